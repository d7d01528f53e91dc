import { z } from 'zod';
import { scanReason } from '../../domain/events/scanning.js';
import { jobType, newJob } from '../../jobs/define.js';
import type { NewJob } from '../../metadata/job-store.js';

/*
 * The scanning jobs' names and payloads, apart from the code that runs them: the server loads
 * the scan pipeline (layer readers, analyzers, matchers and their libraries, ~12 MB of memory)
 * only when a scan or rescan first runs (see index.ts).
 */

/** Continuous re-evaluation after a database update or a configuration change. */
export const RESCAN_JOB = jobType('scan.rescan', z.object({ force: z.boolean() }));

/** One image scan, for the generation of the scan request it resolves. */
export const SCAN_JOB = jobType(
  'scan.image',
  z.object({
    manifestId: z.number().int(),
    repositoryId: z.number().int(),
    digest: z.string(),
    generation: z.number().int(),
    reason: scanReason,
  }),
);

export type ScanJobPayload = z.infer<typeof SCAN_JOB.payload>;

/** Downloads and imports the configured vulnerability feeds (`scanning.feeds.updateIntervalSeconds`). */
export const VULNDB_UPDATE_JOB = jobType('vulndb.update', z.object({}));

/**
 * Which inventory logic produced a stored SBOM. Bump it when the scanner starts finding packages
 * it did not before, so SBOMs made by the older logic are not reused by later scans.
 */
export const SCANNER_VERSION = 1;

/** The job for one scan request, due at `now` (queued with the request, in its transaction). */
export function scanJob(payload: Omit<ScanJobPayload, 'generation'>, now: Date): (generation: number) => NewJob {
  return (generation) => newJob(SCAN_JOB, { ...payload, generation }, { dedupeKey: `${SCAN_JOB.type}:${payload.manifestId}:${generation}`, runAt: now });
}
