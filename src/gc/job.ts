import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { defineJob, jobType } from '../jobs/define.js';
import { defineSchedule } from '../jobs/scheduler.js';
import type { GarbageCollector } from './collector.js';

/** A garbage-collection run; an operator's run may set its grace period or make it a dry run. The result is the summary. */
export const GC_JOB = jobType(
  'gc',
  z.object({
    /** Overrides gc.graceSeconds for this run. */
    graceSeconds: z.number().nonnegative().optional(),
    dryRun: z.boolean().optional(),
  }),
);

const PROGRESS_LOG_MS = 30_000;

export function gcJob(deps: { collector: GarbageCollector; graceSeconds: number; uploadIdleSeconds: number }) {
  return defineJob({
    ...GC_JOB,
    // A run over millions of blobs takes minutes; the runner renews the lease while it works.
    leaseMs: 120_000,
    maxAttempts: 3,
    retryDelayMs: 60_000,
    handler: async (payload, { signal, log }) => {
      let lastLog = performance.now();
      const summary = await deps.collector.run({
        graceMs: (payload.graceSeconds ?? deps.graceSeconds) * 1000,
        dryRun: payload.dryRun === true,
        uploadIdleMs: deps.uploadIdleSeconds * 1000,
        signal,
        onProgress: (phase, sofar) => {
          if (performance.now() - lastLog < PROGRESS_LOG_MS) return;
          lastLog = performance.now();
          log.info({ phase, scanned: sofar.blobsScanned, deleted: sofar.blobsDeleted, bytesFreed: sofar.blobBytesFreed }, 'gc progress');
        },
      });
      return { ...summary };
    },
  });
}

/** The recurring run, every `intervalSeconds` (the first one an interval after start). */
export function gcSchedule(intervalSeconds: number) {
  return defineSchedule({ name: 'gc', job: GC_JOB, payload: {}, intervalMs: intervalSeconds * 1000 });
}
