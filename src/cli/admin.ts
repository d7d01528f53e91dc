import type { Command } from 'commander';
import type { AdminIo } from './admin-context.js';
import { registerIdentityCommands } from './admin-identities.js';
import { registerKeyCommands } from './admin-keys.js';
import { registerPolicyCommands } from './admin-policies.js';
import { registerRepositoryCommands } from './admin-repositories.js';

const processIo: AdminIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  fail: (code) => {
    process.exitCode = code;
  },
};

/**
 * `berth admin`: accounts, IAM users, access keys, identity policies and repository visibility,
 * managed on the configured data directory (safe while `berth serve` runs). Every command prints
 * JSON on stdout.
 */
export function registerAdmin(program: Command, io: AdminIo = processIo): void {
  const admin = program
    .command('admin')
    .description('manage accounts, IAM users, access keys and policies (JSON output)')
    .option('-c, --config <file>', 'YAML configuration file (env BERTH_CONFIG)')
    .option('-d, --data <dir>', 'data directory (env BERTH_DATA_DIR, default ./berth-data)');
  registerIdentityCommands(admin, io);
  registerKeyCommands(admin, io);
  registerPolicyCommands(admin, io);
  registerRepositoryCommands(admin, io);
}
