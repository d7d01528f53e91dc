import type { Logger } from '../../util/logger.js';
import type { EventDispatcher } from '../../events/dispatcher.js';
import { NODE_ID } from '../../jobs/node-id.js';
import type { JobRunner } from '../../jobs/runner.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import type { MetadataStore } from '../../metadata/store.js';
import type { Registry } from '../../registry/index.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { ScanningConfig } from './config-schema.js';
import type { ScanDeps } from './deps.js';
import { RESCAN_JOB, SCAN_JOB, type ScanJobPayload } from './job-types.js';
import { ScanningService } from './service.js';
import { scanErrorDescription } from './statuses.js';
import { SCANNING_SUBSCRIBER, SUBSCRIBED_EVENTS, scanningSubscriber } from './subscriptions.js';

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
  /** Creates the subscriber's outbox cursor, so pushes from now on are seen (call once when the app is built). */
  init(): Promise<void>;
  /** Background start: catch up on database updates no running server saw. */
  schedule(): Promise<void>;
  /** Queues a continuous re-evaluation sweep now. */
  triggerRescan(force?: boolean): Promise<void>;
}

export function createScanning(deps: {
  store: MetadataStore;
  blobs: BlobStore;
  registry: Registry;
  jobs: JobRunner;
  scheduler: Scheduler;
  events: EventDispatcher;
  now: () => Date;
  log: Logger;
  options: ScanningConfig;
}): Scanning {
  const { store, jobs, scheduler, log } = deps;
  const scanDeps: ScanDeps = { store, blobs: deps.blobs, now: deps.now, log, limits: deps.options.limits };
  const triggerRescan = async (force = false) => {
    await scheduler.trigger(RESCAN_JOB, { force }, RESCAN_JOB);
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
  jobs.register(SCAN_JOB, async (job, ctx) => (await import('./scan-job.js')).runScanJob({ ...scanDeps, log: ctx.log }, job, ctx.signal), {
    concurrency: deps.options.concurrency,
    leaseMs: 120_000,
    maxAttempts: 3,
    retryDelayMs: 10_000,
  });
  jobs.register(
    RESCAN_JOB,
    async (job, ctx) => {
      const { rescanContinuous } = await import('./rescan.js');
      return { ...(await rescanContinuous({ ...scanDeps, log: ctx.log }, { force: job.payload.force === true, signal: ctx.signal, onQueued: () => jobs.poke() })) };
    },
    { leaseMs: 120_000, maxAttempts: 5, retryDelayMs: 30_000 },
  );
  // A scan whose job failed for good (storage unreadable, say) must not stay IN_PROGRESS.
  jobs.onSettled(async (job, outcome) => {
    if (job.type !== SCAN_JOB || outcome !== 'failed') return;
    const payload = job.payload as ScanJobPayload;
    const repository = await store.registry.getRepositoryById(payload.repositoryId);
    const scan = await store.scans.getScan(payload.manifestId);
    if (!repository || !scan || scan.generation !== payload.generation) return;
    const failed = await store.jobs.get(job.id);
    const { recordFailure } = await import('./evaluate.js');
    await recordFailure(scanDeps, { repository, scan, reason: payload.reason, status: 'FAILED', description: scanErrorDescription(failed?.lastError ?? 'unknown error') });
  });
  deps.events.subscribe(SCANNING_SUBSCRIBER, scanningSubscriber({ service, scans: store.scans, triggerRescan, log }), { types: SUBSCRIBED_EVENTS });

  return {
    service,
    triggerRescan,
    init: async () => {
      await store.events.acquireCursor(SCANNING_SUBSCRIBER, NODE_ID, 1, deps.now(), 'end');
      await store.events.releaseCursor(SCANNING_SUBSCRIBER, NODE_ID);
    },
    schedule: async () => {
      if ((await store.vulnDb.version()) > (await store.scans.getRematchedVersion())) await triggerRescan(false);
    },
  };
}

export { ScanningService, type ImageRef } from './service.js';
export { effectiveScanning, type EffectiveScanning, type RegistryScanningConfiguration } from './configuration.js';
export { ScanningEvent, SCANNING_ACTOR, vulnDbUpdatedEvent } from './events.js';
export { RESCAN_JOB, SCAN_JOB } from './job-types.js';
export { scanningConfigSchema, type ScanningConfig } from './config-schema.js';
