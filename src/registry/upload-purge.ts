import type { JobRunner } from '../jobs/runner.js';
import type { Scheduler } from '../jobs/scheduler.js';
import type { Registry } from './index.js';

export const UPLOAD_PURGE_JOB = 'uploads.purge';

/**
 * Registers the hourly purge of uploads idle longer than `staleAfterSeconds`; returns the function
 * that declares its schedule when background work starts.
 */
export function installUploadPurge(deps: {
  registry: Registry;
  jobs: JobRunner;
  scheduler: Scheduler;
  staleAfterSeconds: number;
}): () => Promise<void> {
  deps.jobs.register(UPLOAD_PURGE_JOB, async (_job, { log }) => {
    const before = new Date(Date.now() - deps.staleAfterSeconds * 1000);
    let purged = 0;
    for (let batch = await deps.registry.uploads.purgeIdle(before); batch > 0; batch = await deps.registry.uploads.purgeIdle(before)) {
      purged += batch;
    }
    if (purged > 0) log.info({ purged }, 'idle uploads purged');
    return { purged };
  });
  const hourly = 3600_000;
  return () => deps.scheduler.every('upload-purge', UPLOAD_PURGE_JOB, hourly, {}, 60_000);
}
