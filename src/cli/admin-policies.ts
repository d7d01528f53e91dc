import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DomainError } from '../domain/errors.js';
import { type AdminIo, adminAction } from './admin-context.js';

interface AccountFlag {
  account?: string;
}

/** `berth admin policies …`: inline identity policies of users. */
export function registerPolicyCommands(admin: Command, io: AdminIo): void {
  const policies = admin.command('policies').description("users' identity policies (AWS policy language)");
  policies
    .command('put <userName> <policyName>')
    .description('create or replace a policy of a user, from --file or --document')
    .option('--file <path>', 'read the policy document from a file ("-" for stdin)')
    .option('--document <json>', 'the policy document inline')
    .option('--account <accountId>', 'account (default: the configured accountId)')
    .action(
      adminAction(io, async (ctx, userName: string, policyName: string, flags: AccountFlag & { file?: string; document?: string }) => {
        if ((flags.file === undefined) === (flags.document === undefined)) {
          throw new DomainError('InvalidParameter', 'give the policy with exactly one of --file or --document');
        }
        const document = flags.document ?? readFileSync(flags.file === '-' ? 0 : flags.file!, 'utf8');
        await ctx.identities.putUserPolicy(ctx.account(flags.account), userName, policyName, document);
        return { userName, policyName, policyDocument: JSON.parse(document) as unknown };
      }),
    );
  policies
    .command('get <userName> <policyName>')
    .description('show a policy of a user')
    .option('--account <accountId>', 'account (default: the configured accountId)')
    .action(
      adminAction(io, async (ctx, userName: string, policyName: string, flags: AccountFlag) => {
        const policy = await ctx.identities.getUserPolicy(ctx.account(flags.account), userName, policyName);
        return { userName, policyName: policy.name, policyDocument: JSON.parse(policy.document) as unknown, updatedAt: policy.updatedAt };
      }),
    );
  policies
    .command('list <userName>')
    .description("list a user's policy names")
    .option('--account <accountId>', 'account (default: the configured accountId)')
    .action(
      adminAction(io, async (ctx, userName: string, flags: AccountFlag) => ({
        policyNames: await ctx.identities.listUserPolicies(ctx.account(flags.account), userName),
      })),
    );
  policies
    .command('delete <userName> <policyName>')
    .description('delete a policy of a user')
    .option('--account <accountId>', 'account (default: the configured accountId)')
    .action(
      adminAction(io, async (ctx, userName: string, policyName: string, flags: AccountFlag) => {
        await ctx.identities.deleteUserPolicy(ctx.account(flags.account), userName, policyName);
        return { deleted: policyName, userName };
      }),
    );
}
