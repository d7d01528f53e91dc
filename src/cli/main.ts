import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAdmin } from './admin.js';
import { registerFsck } from './fsck.js';
import { registerGc } from './gc.js';
import { registerLifecycle } from './lifecycle.js';
import { registerMigrate } from './migrate.js';
import { registerServe } from './serve.js';
import { registerVulnDb } from './vulndb.js';

/** The `berth` command line. Each subcommand lives in its own file and registers itself here. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name('berth')
    .description('Berth: a self-hosted container registry that speaks the OCI and Amazon ECR APIs')
    .version(packageVersion(), '-V, --version', 'print the version of Berth');
  registerServe(program);
  registerAdmin(program);
  registerGc(program);
  registerFsck(program);
  registerLifecycle(program);
  registerVulnDb(program);
  registerMigrate(program);
  await program.parseAsync(argv);
}

/** The version in package.json (two levels up from both src/cli/ and dist/cli/). */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
