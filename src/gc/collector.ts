import type { Logger } from '../util/logger.js';
import { DomainError } from '../domain/errors.js';
import { GcEvent, outboxEvent } from '../domain/events/index.js';
import type { MetadataStore } from '../metadata/store.js';
import type { BlobStore } from '../storage/blob-store.js';
import { RUN_LEASE_KEY, keepLeases, leaseOwner } from './leases.js';
import { reconcileStorage } from './reconcile-storage.js';
import type { RunContext } from './run-context.js';
import { sweepBlobs } from './sweep-blobs.js';
import { sweepUploads } from './sweep-uploads.js';
import { type GcPhase, type GcRunOptions, type GcSummary, emptySummary } from './types.js';

/** The outbox event each (non-dry) run writes, with its summary as payload. */
export const GC_COMPLETED_EVENT = GcEvent.Completed;

export interface CollectorDeps {
  store: MetadataStore;
  blobs: BlobStore;
  log: Logger;
  now?: () => Date;
  /** Discards upload sessions idle since before `before`, a batch at a time; returns how many (0 when done). */
  purgeIdleUploads?: (before: Date) => Promise<number>;
  /** Tuning (tests shrink them to exercise paging and batching). */
  pageSize?: number;
  batchSize?: number;
  concurrency?: number;
  leaseTtlMs?: number;
}

/**
 * Online garbage collection: mark from metadata, sweep unreferenced blobs past the grace period,
 * reconcile storage with metadata (orphan files, missing files), and clear stale uploads, while
 * pushes and pulls continue. blob-guard.ts explains how writers and readers take part so that
 * the sweep can never delete a blob a push is about to use.
 */
export class GarbageCollector {
  private readonly now: () => Date;

  constructor(private readonly deps: CollectorDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async run(options: GcRunOptions): Promise<GcSummary> {
    if (!(options.graceMs >= 0)) throw new DomainError('InvalidParameter', 'the grace period must be zero or more');
    const { store, blobs, log } = this.deps;
    const dryRun = options.dryRun ?? false;
    const startedAt = this.now();
    const summary = emptySummary(dryRun, options.graceMs, startedAt);
    const owner = leaseOwner('gc');
    const leaseTtlMs = this.deps.leaseTtlMs ?? 60_000;
    const ctx: RunContext = {
      store,
      blobs,
      log,
      now: this.now,
      cutoff: new Date(startedAt.getTime() - options.graceMs),
      owner,
      dryRun,
      summary,
      hooks: options.hooks ?? {},
      leaseTtlMs,
      pageSize: this.deps.pageSize ?? 2000,
      batchSize: this.deps.batchSize ?? 500,
      concurrency: this.deps.concurrency ?? 16,
      checkpoint: (phase: GcPhase) => {
        options.signal?.throwIfAborted();
        options.onProgress?.(phase, summary);
      },
    };

    // A dry run writes nothing, not even the run lease; two real runs would only duplicate work
    // (the digest leases keep them safe), so the second one is refused.
    if (!dryRun && (await store.gc.acquireLeases([RUN_LEASE_KEY], owner, leaseTtlMs, startedAt)).length === 0) {
      throw new DomainError('Conflict', 'another garbage collection is running');
    }
    const stop = dryRun ? () => undefined : keepLeases(store.gc, () => [RUN_LEASE_KEY], owner, leaseTtlMs, this.now);
    try {
      log.info({ dryRun, graceSeconds: summary.graceSeconds }, 'garbage collection started');
      await sweepBlobs(ctx);
      await reconcileStorage(ctx);
      await sweepUploads(ctx, {
        idleBefore: options.uploadIdleMs === undefined ? undefined : new Date(startedAt.getTime() - options.uploadIdleMs),
        purgeIdle: this.deps.purgeIdleUploads,
      });
      const totals = await store.gc.totals();
      summary.remainingBlobs = totals.blobs;
      summary.remainingBytes = totals.bytes;
      summary.bytesFreed = summary.blobBytesFreed + summary.orphanBytesFreed;
      summary.durationMs = this.now().getTime() - startedAt.getTime();
      ctx.checkpoint('done');
      if (!dryRun) {
        // Leases crashed holders left behind; an hour past expiry, so a merely stalled holder still
        // finds its own row and learns whether anyone took it over.
        await store.gc.pruneLeases(new Date(this.now().getTime() - Math.max(leaseTtlMs, 3_600_000)));
        await store.events.append([outboxEvent(GC_COMPLETED_EVENT, { occurredAt: this.now(), payload: { ...summary } })]);
      }
      if (summary.missingFiles > 0) {
        log.error({ missingFiles: summary.missingFiles, examples: summary.missingExamples }, 'blobs missing from storage');
      }
      log.info({ ...summary }, 'garbage collection finished');
      return summary;
    } finally {
      stop();
      if (!dryRun) await store.gc.releaseLeases([RUN_LEASE_KEY], owner).catch(() => undefined);
    }
  }
}
