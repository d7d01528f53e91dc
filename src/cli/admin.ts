import type { Command } from 'commander';
import type { AdminIo } from './admin-context.js';
import { withConfigOptions } from './options.js';
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
  const admin = withConfigOptions(program.command('admin').description('manage accounts, IAM users, access keys and policies (JSON output)'), {
    existingData: true,
  });
  registerIdentityCommands(admin, io);
  registerKeyCommands(admin, io);
  registerPolicyCommands(admin, io);
  registerRepositoryCommands(admin, io);
}
