import type { Logger } from '../util/logger.js';
import type { JobRunner } from '../jobs/runner.js';
import type { Scheduler } from '../jobs/scheduler.js';
import type { MetadataStore } from '../metadata/store.js';
import type { Registry } from '../registry/index.js';
import { ImageArchiveService, RESTORE_JOB } from './archive.js';
import { LifecyclePolicyService } from './policies.js';
import { LifecyclePreviewService, PREVIEW_JOB } from './previews.js';
import { LifecycleRuns, RUN_JOB } from './run.js';

/**
 * Lifecycle policies wired to the stores, the registry and the job runner: the policy service and
 * previews behind the ECR operations, the scheduled run, and the archive storage class.
 *
 * Durable jobs: `lifecycle.run` (recurring every `intervalSeconds`, one node per occurrence; also
 * triggered by `berth lifecycle run` and `trigger()`), `lifecycle.preview` (one per
 * StartLifecyclePolicyPreview) and `lifecycle.restore` (one per restore, after `restoreDelaySeconds`).
 */
export interface Lifecycle {
  policies: LifecyclePolicyService;
  previews: LifecyclePreviewService;
  archive: ImageArchiveService;
  runs: LifecycleRuns;
  /** Queues a run now (all repositories with a policy, or one); returns the job id. */
  trigger(repositoryId?: number): Promise<number>;
  /** Declares the recurring run (call when background work starts). */
  schedule(): Promise<void>;
}

export interface LifecycleOptions {
  intervalSeconds: number;
  restoreDelaySeconds: number;
}

export function createLifecycle(deps: {
  store: MetadataStore;
  registry: Registry;
  jobs: JobRunner;
  scheduler: Scheduler;
  now: () => Date;
  log: Logger;
  options: LifecycleOptions;
}): Lifecycle {
  const { store, registry, jobs, scheduler, now, log } = deps;
  const repositories = registry.repositories;
  const policies = new LifecyclePolicyService({ store, repositories, now });
  const previews = new LifecyclePreviewService({
    store,
    repositories,
    now,
    enqueue: (type, payload, dedupeKey) => scheduler.trigger(type, payload, dedupeKey),
  });
  const archive = new ImageArchiveService({
    store,
    repositories,
    now,
    restoreDelayMs: deps.options.restoreDelaySeconds * 1000,
    enqueueAt: async (type, payload, dedupeKey, runAt) => {
      const job = await store.jobs.enqueue({ type, payload, dedupeKey, runAt }, new Date());
      if (runAt.getTime() <= Date.now()) jobs.poke();
      return job;
    },
  });
  const runs = new LifecycleRuns({ store, manifests: registry.manifests, now, log });

  jobs.register(
    RUN_JOB,
    async (job, { signal }) => {
      const repositoryId = job.payload.repositoryId;
      const { details, ...summary } = await runs.run({ repositoryId: typeof repositoryId === 'number' ? repositoryId : undefined, signal });
      return { ...summary, failedRepositories: details.filter((d) => d.error).map((d) => `${d.accountId}/${d.repository}`) };
    },
    // A run over large repositories takes a while; the runner renews the lease as it works.
    { leaseMs: 120_000, maxAttempts: 3, retryDelayMs: 60_000 },
  );
  jobs.register(PREVIEW_JOB, async (job, { log: jobLog }) => previews.compute(Number(job.payload.previewId), jobLog), { concurrency: 2 });
  jobs.register(RESTORE_JOB, async (job) => ({
    restored: await archive.completeRestore(Number(job.payload.repositoryId), String(job.payload.digest)),
  }), { concurrency: 4, retryDelayMs: 5_000 });

  const intervalMs = deps.options.intervalSeconds * 1000;
  return {
    policies,
    previews,
    archive,
    runs,
    trigger: async (repositoryId) =>
      scheduler.trigger(RUN_JOB, repositoryId === undefined ? {} : { repositoryId }, repositoryId === undefined ? `${RUN_JOB}:all` : `${RUN_JOB}:${repositoryId}`),
    schedule: () => scheduler.every('lifecycle', RUN_JOB, intervalMs, {}, intervalMs),
  };
}

export { RUN_JOB } from './run.js';
export { PREVIEW_JOB } from './previews.js';
export { RESTORE_JOB } from './archive.js';
export { LifecycleEvent, LIFECYCLE_ACTOR, POLICY_EXECUTION_ACTION } from './events.js';
export type { RunSummary, RepositoryRunSummary } from './run.js';
