import type { Command } from 'commander';
import { pino } from 'pino';
import { openStores } from '../app.js';
import { loadConfig } from '../config/load.js';
import type { BerthConfigInput } from '../config/schema.js';
import { isDomainError } from '../domain/errors.js';
import { BlobGuard } from '../gc/blob-guard.js';
import { GarbageCollector } from '../gc/collector.js';
import { parseDuration } from '../gc/duration.js';
import { formatProgress, formatSummary } from '../gc/report.js';
import { createRegistry } from '../registry/index.js';

export interface GcFlags {
  config?: string;
  data?: string;
  grace?: string;
  dryRun?: boolean;
  json?: boolean;
  logLevel?: string;
}

export interface GcIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Aborts the run (SIGINT); work already done stays done. */
  signal?: AbortSignal;
}

const PROGRESS_EVERY_MS = 1000;

export function registerGc(program: Command): void {
  program
    .command('gc')
    .description('free unreferenced blobs, orphan files and stale uploads; safe while `berth serve` runs on the same data')
    .option('-c, --config <file>', 'YAML configuration file (env BERTH_CONFIG)')
    .option('-d, --data <dir>', 'data directory (env BERTH_DATA_DIR, default ./berth-data)')
    .option('--grace <duration>', 'keep unreferenced blobs younger than this, e.g. 30m, 1h, 2d (default: gc.graceSeconds)')
    .option('--dry-run', 'report what would be freed without deleting anything')
    .option('--json', 'print the summary as JSON')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (default warn)')
    .action(async (flags: GcFlags) => {
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort(new Error('interrupted')));
      process.exitCode = await runGc(flags, { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal });
    });
}

/** `berth gc`: progress to stderr, the summary to stdout. Returns the exit code. */
export async function runGc(flags: GcFlags, io: GcIo): Promise<number> {
  const overrides: BerthConfigInput = { log: { level: (flags.logLevel ?? 'warn') as 'warn' } };
  if (flags.data) overrides.dataDir = flags.data;
  const config = loadConfig({ file: flags.config ?? io.env.BERTH_CONFIG, env: io.env, overrides });
  const configuredGraceMs = config.gc.graceSeconds * 1000;
  const graceMs = flags.grace === undefined ? configuredGraceMs : parseDuration(flags.grace);
  if (graceMs < configuredGraceMs && !flags.dryRun) {
    // Servers vouch for blobs read within half *their* grace period; a shorter one here can sweep a
    // layer a client has just HEAD-checked, failing that client's manifest PUT.
    io.stderr.write(`warning: --grace is shorter than the configured gc.graceSeconds (${config.gc.graceSeconds} s); pushes in progress may fail\n`);
  }

  const log = pino({ level: config.log.level }, io.stderr);
  const { store, blobs } = openStores(config);
  try {
    const registry = createRegistry({
      store,
      blobs,
      options: config.registry,
      log,
      now: () => new Date(),
      guard: new BlobGuard(store.gc, { graceMs: configuredGraceMs, log }),
    });
    const collector = new GarbageCollector({ store, blobs, log, purgeIdleUploads: (before) => registry.uploads.purgeIdle(before) });
    let lastProgress = 0;
    const summary = await collector.run({
      graceMs,
      dryRun: flags.dryRun === true,
      uploadIdleMs: config.uploads.staleAfterSeconds * 1000,
      signal: io.signal,
      onProgress: (phase, sofar) => {
        if (phase !== 'done' && Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = Date.now();
        io.stderr.write(`${formatProgress(phase, sofar)}\n`);
      },
    });
    io.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
    return 0;
  } catch (err) {
    if (isDomainError(err, 'Conflict')) {
      io.stderr.write(`berth gc: ${err.message}; try again when it has finished\n`);
      return 2;
    }
    throw err;
  } finally {
    await store.close();
  }
}
