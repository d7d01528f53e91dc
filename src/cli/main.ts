import { Command } from 'commander';
import { registerServe } from './serve.js';

/** The `berth` command line. Each subcommand lives in its own file and registers itself here. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name('berth').description('Berth: a self-hosted container registry that speaks the OCI and Amazon ECR APIs');
  registerServe(program);
  await program.parseAsync(argv);
}
