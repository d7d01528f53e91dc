import type { Command } from 'commander';
import { rootCredentialsFile } from '../iam/root-credentials.js';
import { existsSync } from 'node:fs';
import { type AdminIo, adminAction } from './admin-context.js';

interface OwnerFlags {
  account?: string;
  user?: string;
}

/** `berth admin keys …` and `berth admin root-credentials`. */
export function registerKeyCommands(admin: Command, io: AdminIo): void {
  const keys = admin.command('keys').description('access keys of users, or of an account root');
  // create and list act on one owner: a user, or the account root.
  const ownerCommand = (name: string, description: string, userHelp: string) =>
    keys
      .command(name)
      .description(description)
      .option('--user <userName>', userHelp)
      .option('--account <accountId>', 'account (default: the configured accountId)');
  ownerCommand('create', 'create an access key; the secret is printed this once and never again', "the user's key (default: the account root's)").action(
    adminAction(io, async (ctx, flags: OwnerFlags) => ({
      accessKey: await ctx.identities.createAccessKey(ctx.account(flags.account), flags.user),
    })),
  );
  ownerCommand('list', "list a user's (or the account root's) access keys, without secrets", "the user's keys (default: the account root's)").action(
    adminAction(io, async (ctx, flags: OwnerFlags) => ({
      accessKeys: await ctx.identities.listAccessKeys(ctx.account(flags.account), flags.user),
    })),
  );
  keys
    .command('delete <accessKeyId>')
    .description('delete an access key; it and the registry tokens issued for it stop working at once')
    .action(
      adminAction(io, async (ctx, accessKeyId: string) => {
        await ctx.identities.deleteAccessKey(accessKeyId);
        return { deleted: accessKeyId };
      }),
    );
  const statusCommands = [
    ['deactivate', 'Inactive', 'make a key (and its registry tokens) unusable without deleting it'],
    ['activate', 'Active', 'make a deactivated key usable again'],
  ] as const;
  for (const [name, status, description] of statusCommands) {
    keys
      .command(`${name} <accessKeyId>`)
      .description(description)
      .action(adminAction(io, async (ctx, accessKeyId: string) => ({ accessKey: await ctx.identities.setAccessKeyStatus(accessKeyId, status) })));
  }

  admin
    .command('keyring')
    .description('key-encryption keys')
    .command('reseal')
    .description('re-seal every stored secret with the active key; first put the new key first in the keyring (keeping the old one) and restart every server with it')
    .action(adminAction(io, async (ctx) => ctx.identities.resealSecrets()));

  admin
    .command('root-credentials')
    .description("where the default account's root credentials come from")
    .action(
      adminAction(io, async (ctx) => {
        const file = rootCredentialsFile(ctx.config);
        const configured = ctx.config.auth.rootAccessKeyId;
        return {
          accountId: ctx.config.accountId,
          source: configured !== undefined ? 'environment or configuration (BERTH_ROOT_ACCESS_KEY_ID)' : 'generated on first start',
          ...(configured !== undefined ? { configuredAccessKeyId: configured } : {}),
          file,
          fileExists: existsSync(file),
          storedRootKeys: await ctx.identities.listAccessKeys(ctx.config.accountId, undefined),
          usage: `AWS_SHARED_CREDENTIALS_FILE=${file} aws ecr describe-repositories --endpoint-url <berth url>`,
        };
      }),
    );
}
