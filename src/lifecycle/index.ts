import type { JobQueue } from '../jobs/define.js';
import type { MetadataStore } from '../metadata/store.js';
import type { Registry } from '../registry/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { ImageArchiveService } from './archive.js';
import { LifecyclePolicyService } from './policies.js';
import { LifecyclePreviewService } from './previews.js';
import { LifecycleRuns, RUN_JOB } from './run.js';

/**
 * Lifecycle policies wired to the stores, the registry and the job queue: the policy service and
 * previews behind the ECR operations, runs, and the archive storage class.
 *
 * Durable jobs (jobs.ts): `lifecycle.run` (recurring every `intervalSeconds`, one node per
 * occurrence; also triggered by `berth lifecycle run` and `trigger()`), `lifecycle.preview` (one
 * per StartLifecyclePolicyPreview) and `lifecycle.restore` (one per restore, after
 * `restoreDelaySeconds`).
 */
export interface Lifecycle {
  policies: LifecyclePolicyService;
  previews: LifecyclePreviewService;
  archive: ImageArchiveService;
  runs: LifecycleRuns;
  /** Queues a run now (all repositories with a policy, or one); returns the job id. */
  trigger(repositoryId?: number): Promise<number>;
}

export interface LifecycleOptions {
  intervalSeconds: number;
  restoreDelaySeconds: number;
}

export function createLifecycle(deps: {
  store: MetadataStore;
  registry: Registry;
  jobs: JobQueue;
  now: Clock;
  log: Logger;
  options: Pick<LifecycleOptions, 'restoreDelaySeconds'>;
}): Lifecycle {
  const { store, registry, jobs, now, log } = deps;
  const repositories = registry.repositories;
  const runs = new LifecycleRuns({ store, manifests: registry.manifests, now, log });
  return {
    policies: new LifecyclePolicyService({ store, repositories, now }),
    previews: new LifecyclePreviewService({ store, repositories, now, jobs }),
    archive: new ImageArchiveService({ store, repositories, now, jobs, restoreDelayMs: deps.options.restoreDelaySeconds * 1000 }),
    runs,
    trigger: async (repositoryId) => {
      const dedupeKey = `${RUN_JOB.type}:${repositoryId ?? 'all'}`;
      return (await jobs.enqueue(RUN_JOB, repositoryId === undefined ? {} : { repositoryId }, { dedupeKey })).id;
    },
  };
}

export { lifecycleJobs, lifecycleSchedule } from './jobs.js';
export { RUN_JOB } from './run.js';
export type { RunSummary, RepositoryRunSummary } from './run.js';
