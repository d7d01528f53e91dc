import { z } from 'zod';
import { defineJob, jobType } from '../jobs/define.js';
import { defineSchedule } from '../jobs/scheduler.js';
import type { Clock } from '../util/clock.js';
import type { UploadService } from './uploads.js';

export const UPLOAD_PURGE_JOB = jobType('uploads.purge', z.object({}));

/** Discards upload sessions idle (by the clock the registry stamps them with) longer than `staleAfterSeconds`. */
export function uploadPurgeJob(deps: { uploads: UploadService; staleAfterSeconds: number; now: Clock }) {
  return defineJob({
    ...UPLOAD_PURGE_JOB,
    handler: async (_payload, { log }) => {
      const before = new Date(deps.now().getTime() - deps.staleAfterSeconds * 1000);
      let purged = 0;
      for (let batch = await deps.uploads.purgeIdle(before); batch > 0; batch = await deps.uploads.purgeIdle(before)) {
        purged += batch;
      }
      if (purged > 0) log.info({ purged }, 'idle uploads purged');
      return { purged };
    },
  });
}

/** Hourly, the first run a minute after start. */
export const uploadPurgeSchedule = defineSchedule({ name: 'upload-purge', job: UPLOAD_PURGE_JOB, payload: {}, intervalMs: 3600_000, firstDelayMs: 60_000 });
