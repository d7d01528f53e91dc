import type { Command } from 'commander';
import { performance } from 'node:perf_hooks';
import { createCollector } from '../app/modules/gc.js';
import { isDomainError } from '../domain/errors.js';
import { parseDuration } from '../gc/duration.js';
import { formatProgress, formatSummary } from '../gc/report.js';
import { type CliIo, type StoreFlags, openOffline, processIo, withStoreOptions } from './offline.js';

export interface GcFlags extends StoreFlags {
  grace?: string;
  dryRun?: boolean;
  json?: boolean;
}

export type GcIo = CliIo;

const PROGRESS_EVERY_MS = 1000;

export function registerGc(program: Command): void {
  withStoreOptions(
    program
      .command('gc')
      .description('free unreferenced blobs, orphan files and stale uploads; safe while `berth serve` runs on the same data'),
  )
    .option('--grace <duration>', 'keep unreferenced blobs younger than this, e.g. 30m, 1h, 2d (default: gc.graceSeconds)')
    .option('--dry-run', 'report what would be freed without deleting anything')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: GcFlags) => {
      process.exitCode = await runGc(flags, processIo());
    });
}

/** `berth gc`: progress to stderr, the summary to stdout. Returns the exit code. */
export async function runGc(flags: GcFlags, io: GcIo): Promise<number> {
  const core = await openOffline(flags, io);
  const { config } = core;
  try {
    const configuredGraceMs = config.gc.graceSeconds * 1000;
    const graceMs = flags.grace === undefined ? configuredGraceMs : parseDuration(flags.grace);
    if (graceMs < configuredGraceMs && !flags.dryRun) {
      // Servers vouch for blobs read within half *their* grace period; a shorter one here can sweep a
      // layer a client has just HEAD-checked, failing that client's manifest PUT.
      io.stderr.write(`warning: --grace is shorter than the configured gc.graceSeconds (${config.gc.graceSeconds} s); pushes in progress may fail\n`);
    }
    const collector = createCollector(core);
    let lastProgress = -PROGRESS_EVERY_MS;
    const summary = await collector.run({
      graceMs,
      dryRun: flags.dryRun === true,
      uploadIdleMs: config.uploads.staleAfterSeconds * 1000,
      signal: io.signal,
      onProgress: (phase, sofar) => {
        if (phase !== 'done' && performance.now() - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = performance.now();
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
    await core.close();
  }
}
