import type { Command } from 'commander';
import { pino } from 'pino';
import { openStores } from '../app.js';
import { loadConfig } from '../config/load.js';
import type { BerthConfigInput } from '../config/schema.js';
import { BlobGuard } from '../gc/blob-guard.js';
import { LifecycleRuns } from '../lifecycle/run.js';
import { createRegistry } from '../registry/index.js';

export interface LifecycleRunFlags {
  config?: string;
  data?: string;
  repository?: string;
  account?: string;
  dryRun?: boolean;
  json?: boolean;
  logLevel?: string;
}

export interface LifecycleIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export function registerLifecycle(program: Command): void {
  const lifecycle = program.command('lifecycle').description('lifecycle policies (the scheduled run is the `lifecycle.run` job of `berth serve`)');
  lifecycle
    .command('run')
    .description('apply lifecycle policies now; safe while `berth serve` runs on the same data (its audit subscriber records the events)')
    .option('-c, --config <file>', 'YAML configuration file (env BERTH_CONFIG)')
    .option('-d, --data <dir>', 'data directory (env BERTH_DATA_DIR, default ./berth-data)')
    .option('-r, --repository <name>', 'only this repository (default: every repository with a policy)')
    .option('--account <id>', 'the repository\'s account (default: the configured accountId)')
    .option('--dry-run', 'print what the policies would do (a preview) without doing it')
    .option('--json', 'print the result as JSON')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (default warn)')
    .action(async (flags: LifecycleRunFlags) => {
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort(new Error('interrupted')));
      process.exitCode = await runLifecycleCommand(flags, { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal });
    });
}

/** `berth lifecycle run`: the result to stdout (a line per repository, or JSON). Returns the exit code. */
export async function runLifecycleCommand(flags: LifecycleRunFlags, io: LifecycleIo): Promise<number> {
  const overrides: BerthConfigInput = { log: { level: (flags.logLevel ?? 'warn') as 'warn' } };
  if (flags.data) overrides.dataDir = flags.data;
  const config = loadConfig({ file: flags.config ?? io.env.BERTH_CONFIG, env: io.env, overrides });
  const log = pino({ level: config.log.level }, io.stderr);
  const { store, blobs } = openStores(config);
  try {
    const registry = createRegistry({
      store,
      blobs,
      options: config.registry,
      log,
      now: () => new Date(),
      guard: new BlobGuard(store.gc, { graceMs: config.gc.graceSeconds * 1000, log }),
    });
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
    const runs = new LifecycleRuns({ store, manifests: registry.manifests, now: () => new Date(), log });
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
    await store.close();
  }
}
