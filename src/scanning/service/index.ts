import type { EventSubscription } from '../../events/subscription.js';
import { type AnyJobDefinition, type JobQueue, defineJob } from '../../jobs/define.js';
import type { MetadataStore } from '../../metadata/store.js';
import type { Registry } from '../../registry/index.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { ScanningConfig } from './config-schema.js';
import type { ScanDeps } from './deps.js';
import { RESCAN_JOB, SCAN_JOB } from './job-types.js';
import { ScanningService } from './service.js';
import { scanErrorDescription } from './statuses.js';
import { scanningSubscription } from './subscriptions.js';

/**
 * Vulnerability scanning wired to the registry: the service behind the ECR scanning operations,
 * two durable job types and one outbox subscriber.
 *
 * - `scan.image`: one image scan (queued on push, by StartImageScan, or for an unscanned image
 *   under continuous scanning), in the same transaction as the IN_PROGRESS status it resolves.
 * - `scan.rescan`: continuous re-evaluation after a database update or a configuration change.
 * - subscriber `scanning`: image.pushed → scan on push; vulndb.updated → rescan; deletions → SBOM pruning.
 */
export interface Scanning {
  service: ScanningService;
  /** Queues a continuous re-evaluation sweep now. */
  triggerRescan(force?: boolean): Promise<void>;
  /** Background start: catch up on database updates no running server saw. */
  catchUp(): Promise<void>;
  jobs: readonly AnyJobDefinition[];
  subscription: EventSubscription;
}

export function createScanning(deps: {
  store: MetadataStore;
  blobs: BlobStore;
  registry: Registry;
  jobs: JobQueue;
  now: Clock;
  log: Logger;
  options: ScanningConfig;
}): Scanning {
  const { store, jobs, log } = deps;
  const scanDeps: ScanDeps = { store, blobs: deps.blobs, now: deps.now, log, limits: deps.options.limits };
  const triggerRescan = async (force = false) => {
    await jobs.enqueue(RESCAN_JOB, { force }, { dedupeKey: RESCAN_JOB.type });
  };
  const service = new ScanningService({
    ...scanDeps,
    registry: deps.registry,
    scanQuotaMs: deps.options.scanQuotaSeconds * 1000,
    poke: () => jobs.poke(),
    triggerRescan,
  });

  // The pipeline modules (and their libraries) load on the first job that needs them, not with
  // the server: a registry that never scans does not carry them (~12 MB of resident memory).
  const scan = defineJob({
    ...SCAN_JOB,
    concurrency: deps.options.concurrency,
    leaseMs: 120_000,
    maxAttempts: 3,
    retryDelayMs: 10_000,
    handler: async (payload, ctx) => (await import('./scan-job.js')).runScanJob({ ...scanDeps, log: ctx.log }, payload, ctx.signal),
    // A scan whose job failed for good (storage unreadable, say) must not stay IN_PROGRESS.
    onFailed: async (payload, error) => {
      const repository = await store.registry.getRepositoryById(payload.repositoryId);
      const scan = await store.scans.getScan(payload.manifestId);
      if (!repository || !scan || scan.generation !== payload.generation) return;
      const { recordFailure } = await import('./evaluate.js');
      await recordFailure(scanDeps, { repository, scan, reason: payload.reason, status: 'FAILED', description: scanErrorDescription(error) });
    },
  });
  const rescan = defineJob({
    ...RESCAN_JOB,
    leaseMs: 120_000,
    maxAttempts: 5,
    retryDelayMs: 30_000,
    handler: async ({ force }, ctx) => {
      const { rescanContinuous } = await import('./rescan.js');
      return { ...(await rescanContinuous({ ...scanDeps, log: ctx.log }, { force, signal: ctx.signal, onQueued: () => jobs.poke() })) };
    },
  });

  return {
    service,
    triggerRescan,
    catchUp: async () => {
      if ((await store.vulnDb.version()) > (await store.scans.getRematchedVersion())) await triggerRescan(false);
    },
    jobs: [scan, rescan],
    subscription: scanningSubscription({ service, scans: store.scans, triggerRescan, log }),
  };
}

export { ScanningService, type ImageRef } from './service.js';
export type { EffectiveScanning, RegistryScanningConfiguration } from './configuration.js';
export type { ScanningConfig } from './config-schema.js';
