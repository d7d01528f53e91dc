import type { Command } from 'commander';
import { repositoryNotFound } from '../domain/errors.js';
import { PUBLIC_PULL_ACTIONS } from '../iam/account-settings.js';
import { type AdminIo, adminAction } from './admin-context.js';

/**
 * `berth admin repositories public <name> [--off]`: the explicit switch for a public repository
 * (anyone may pull, no login needed; pushes still need permission). The policy way — a repository
 * policy allowing Principal "*" the pull actions — works too and is what ECR itself offers.
 */
export function registerRepositoryCommands(admin: Command, io: AdminIo): void {
  const repositories = admin.command('repositories').description('repository visibility');
  repositories
    .command('public <repositoryName>')
    .description(`let anyone pull (${PUBLIC_PULL_ACTIONS.join(', ')}), or stop that with --off`)
    .option('--off', 'make the repository private again')
    .option('--account <accountId>', 'account (default: the configured accountId)')
    .action(
      adminAction(io, async (ctx, name: string, flags: { off?: boolean; account?: string }) => {
        const accountId = ctx.account(flags.account);
        const repository = await ctx.store.registry.getRepository(accountId, name);
        if (!repository) throw repositoryNotFound({ accountId, name });
        const updated = await ctx.store.registry.updateRepository(repository.id, { public: flags.off !== true });
        return { accountId, repositoryName: updated.name, public: updated.public };
      }),
    );
}
