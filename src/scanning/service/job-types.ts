import type { NewJob } from '../../metadata/job-store.js';
import type { ScanReason } from './events.js';

/*
 * The scanning jobs' names and payloads, apart from the code that runs them: the server loads
 * the scan pipeline (layer readers, analyzers, matchers and their libraries, ~12 MB of memory)
 * only when a scan or rescan first runs (see index.ts).
 */

export const RESCAN_JOB = 'scan.rescan';

export const SCAN_JOB = 'scan.image';
/** Downloads and imports the configured vulnerability feeds (`scanning.feeds.updateIntervalSeconds`). */
export const VULNDB_UPDATE_JOB = 'vulndb.update';

/**
 * Which inventory logic produced a stored SBOM. Bump it when the scanner starts finding packages
 * it did not before, so SBOMs made by the older logic are not reused by later scans.
 */
export const SCANNER_VERSION = 1;

export interface ScanJobPayload extends Record<string, unknown> {
  manifestId: number;
  repositoryId: number;
  digest: string;
  generation: number;
  reason: ScanReason;
}

/**
 * The job for one scan request. Due at once by the wall clock the job runner claims by (the app's
 * injectable clock stamps records, not the queue).
 */
export function scanJob(payload: Omit<ScanJobPayload, 'generation'>): (generation: number) => NewJob {
  return (generation) => ({ type: SCAN_JOB, payload: { ...payload, generation }, dedupeKey: `${SCAN_JOB}:${payload.manifestId}:${generation}`, runAt: new Date() });
}
