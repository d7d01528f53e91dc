import { type AnyJobDefinition, defineJob } from '../jobs/define.js';
import { defineSchedule } from '../jobs/scheduler.js';
import { RESTORE_JOB } from './archive.js';
import type { Lifecycle } from './index.js';
import { PREVIEW_JOB } from './previews.js';
import { RUN_JOB } from './run.js';

/** The lifecycle module's durable jobs: runs, previews and restores. */
export function lifecycleJobs(lifecycle: Lifecycle): AnyJobDefinition[] {
  return [
    defineJob({
      ...RUN_JOB,
      // A run over large repositories takes a while; the runner renews the lease as it works.
      leaseMs: 120_000,
      maxAttempts: 3,
      retryDelayMs: 60_000,
      handler: async ({ repositoryId }, { signal }) => {
        const { details, ...summary } = await lifecycle.runs.run({ repositoryId, signal });
        return { ...summary, failedRepositories: details.filter((d) => d.error).map((d) => `${d.accountId}/${d.repository}`) };
      },
    }),
    defineJob({ ...PREVIEW_JOB, concurrency: 2, handler: async ({ previewId }, { log }) => lifecycle.previews.compute(previewId, log) }),
    defineJob({
      ...RESTORE_JOB,
      concurrency: 4,
      retryDelayMs: 5_000,
      handler: async ({ repositoryId, digest }) => ({ restored: await lifecycle.archive.completeRestore(repositoryId, digest) }),
    }),
  ];
}

/** The recurring run over every repository with a policy. */
export function lifecycleSchedule(intervalSeconds: number) {
  return defineSchedule({ name: 'lifecycle', job: RUN_JOB, payload: {}, intervalMs: intervalSeconds * 1000 });
}
