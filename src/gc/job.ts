import type { JobRunner } from '../jobs/runner.js';
import type { Scheduler } from '../jobs/scheduler.js';
import type { GarbageCollector } from './collector.js';

export const GC_JOB = 'gc';

const PROGRESS_LOG_MS = 30_000;

/**
 * Registers garbage collection as a durable job type and returns the function that declares its
 * schedule when background work starts (the way the upload purge does). The job's payload may set
 * `graceSeconds` and `dryRun` (e.g. a run triggered by an operator); its result is the summary.
 */
export function installGarbageCollection(deps: {
  collector: GarbageCollector;
  jobs: JobRunner;
  scheduler: Scheduler;
  graceSeconds: number;
  intervalSeconds: number;
  uploadIdleSeconds: number;
}): () => Promise<void> {
  deps.jobs.register(
    GC_JOB,
    async (job, { signal, log }) => {
      const grace = job.payload.graceSeconds;
      let lastLog = Date.now();
      const summary = await deps.collector.run({
        graceMs: (typeof grace === 'number' && grace >= 0 ? grace : deps.graceSeconds) * 1000,
        dryRun: job.payload.dryRun === true,
        uploadIdleMs: deps.uploadIdleSeconds * 1000,
        signal,
        onProgress: (phase, sofar) => {
          if (Date.now() - lastLog < PROGRESS_LOG_MS) return;
          lastLog = Date.now();
          log.info({ phase, scanned: sofar.blobsScanned, deleted: sofar.blobsDeleted, bytesFreed: sofar.blobBytesFreed }, 'gc progress');
        },
      });
      return { ...summary };
    },
    // A run over millions of blobs takes minutes; the runner renews the lease while it works.
    { leaseMs: 120_000, maxAttempts: 3, retryDelayMs: 60_000 },
  );
  const intervalMs = deps.intervalSeconds * 1000;
  return () => deps.scheduler.every('gc', GC_JOB, intervalMs, {}, intervalMs);
}
