import type { Command } from 'commander';
import { type AdminIo, adminAction } from './admin-context.js';

interface AccountFlag {
  account?: string;
}

/** `berth admin accounts …` and `berth admin users …`. */
export function registerIdentityCommands(admin: Command, io: AdminIo): void {
  const accounts = admin.command('accounts').description('accounts (tenants with 12-digit ids)');
  accounts
    .command('create')
    .description('create an account (its root has no keys until `keys create --account <id>`)')
    .option('--id <accountId>', '12-digit id (default: a random one)')
    .option('--alias <alias>', 'a readable name')
    .action(
      adminAction(io, async (ctx, flags: { id?: string; alias?: string }) =>
        ctx.identities.createAccount({ ...(flags.id !== undefined && { accountId: flags.id }), ...(flags.alias !== undefined && { alias: flags.alias }) }),
      ),
    );
  accounts
    .command('list')
    .description('list accounts')
    .action(adminAction(io, async (ctx) => ({ accounts: await ctx.identities.listAccounts() })));

  const users = admin.command('users').description('IAM users of an account');
  users
    .command('create <userName>')
    .description('create a user (it can do nothing until a policy allows it)')
    .option('--account <accountId>', 'account (default: the configured accountId)')
    .option('--path <path>', 'IAM path, e.g. /team/', '/')
    .action(
      adminAction(io, async (ctx, userName: string, flags: AccountFlag & { path: string }) => ({
        user: withArn(await ctx.identities.createUser(ctx.account(flags.account), userName, flags.path)),
      })),
    );
  users
    .command('list')
    .description('list the users of an account')
    .option('--account <accountId>', 'account (default: the configured accountId)')
    .action(
      adminAction(io, async (ctx, flags: AccountFlag) => ({ users: (await ctx.identities.listUsers(ctx.account(flags.account))).map(withArn) })),
    );
  users
    .command('delete <userName>')
    .description('delete a user; refused while it has keys or policies unless --force')
    .option('--account <accountId>', 'account (default: the configured accountId)')
    .option('--force', 'delete its access keys and policies too')
    .action(
      adminAction(io, async (ctx, userName: string, flags: AccountFlag & { force?: boolean }) => {
        await ctx.identities.deleteUser(ctx.account(flags.account), userName, { force: flags.force === true });
        return { deleted: userName };
      }),
    );
}

function withArn<U extends { accountId: string; userName: string; path: string }>(user: U): U & { arn: string } {
  return { ...user, arn: `arn:aws:iam::${user.accountId}:user${user.path}${user.userName}` };
}
