import type { Command } from 'commander';
import { LifecycleRuns } from '../lifecycle/run.js';
import { type CliIo, type StoreFlags, openOffline, processIo, withStoreOptions } from './offline.js';

export interface LifecycleRunFlags extends StoreFlags {
  repository?: string;
  account?: string;
  dryRun?: boolean;
  json?: boolean;
}

export type LifecycleIo = CliIo;

export function registerLifecycle(program: Command): void {
  const lifecycle = program.command('lifecycle').description('lifecycle policies (the scheduled run is the `lifecycle.run` job of `berth serve`)');
  withStoreOptions(
    lifecycle
      .command('run')
      .description('apply lifecycle policies now; safe while `berth serve` runs on the same data (its audit subscriber records the events)'),
  )
    .option('-r, --repository <name>', 'only this repository (default: every repository with a policy)')
    .option('--account <id>', 'the repository\'s account (default: the configured accountId)')
    .option('--dry-run', 'print what the policies would do (a preview) without doing it')
    .option('--json', 'print the result as JSON')
    .action(async (flags: LifecycleRunFlags) => {
      process.exitCode = await runLifecycleCommand(flags, processIo());
    });
}

/** `berth lifecycle run`: the result to stdout (a line per repository, or JSON). Returns the exit code. */
export async function runLifecycleCommand(flags: LifecycleRunFlags, io: LifecycleIo): Promise<number> {
  const core = await openOffline(flags, io);
  const { config, log, store, registry } = core;
  try {
    let repositoryId: number | undefined;
    if (flags.repository !== undefined) {
      const repository = await store.registry.getRepository(flags.account ?? config.accountId, flags.repository);
      if (!repository) {
        io.stderr.write(`berth lifecycle run: repository ${flags.repository} does not exist in account ${flags.account ?? config.accountId}\n`);
        return 2;
      }
      if (!(await store.lifecycle.getPolicy(repository.id))) {
        io.stderr.write(`berth lifecycle run: repository ${flags.repository} has no lifecycle policy\n`);
        return 2;
      }
      repositoryId = repository.id;
    }
    const runs = new LifecycleRuns({ store, manifests: registry.manifests, now: core.clock, log });
    const result = await runs.run({ repositoryId, dryRun: flags.dryRun === true, signal: io.signal });
    if (flags.json) {
      io.stdout.write(`${JSON.stringify({ dryRun: flags.dryRun === true, ...result }, null, 2)}\n`);
    } else {
      for (const d of result.details) {
        const what = d.error
          ? `error: ${d.error}`
          : flags.dryRun
            ? `would act on ${d.decided} image(s)`
            : `expired ${d.expired}, archived ${d.archived}, skipped ${d.skipped}`;
        io.stdout.write(`${d.accountId}/${d.repository}: ${what}\n`);
      }
      io.stdout.write(`${result.repositories} repositor${result.repositories === 1 ? 'y' : 'ies'} with a lifecycle policy\n`);
    }
    return result.failed > 0 ? 1 : 0;
  } finally {
    await core.close();
  }
}
