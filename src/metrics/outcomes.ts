import { Counter, type Registry } from 'prom-client';
import { defineSubscription, type EventSubscription } from '../events/subscription.js';
import type { JobRecord } from '../metadata/job-store.js';

/** Counters of what background work achieved: jobs by outcome, scans by status, GC and lifecycle results. */
export class OutcomeCounters {
  private readonly jobs: Counter<'type' | 'outcome'>;
  private readonly scans: Counter<'status' | 'reason'>;
  private readonly gcRuns: Counter;
  private readonly gcDeletedBlobs: Counter;
  private readonly gcFreedBytes: Counter;
  private readonly gcMissingFiles: Counter;
  private readonly lifecycleImages: Counter<'action'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.jobs = new Counter({
      name: 'berth_jobs_settled_total',
      help: 'Background jobs this node finished, by type and outcome (succeeded, or failed for good after its attempts; retries are not counted).',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.scans = new Counter({
      name: 'berth_image_scans_total',
      help: 'Image scans and re-evaluations finished, by ECR scan status (COMPLETE, FAILED, UNSUPPORTED_IMAGE, FINDINGS_UNAVAILABLE, …) and reason (push, manual, continuous).',
      labelNames: ['status', 'reason'],
      registers,
    });
    this.gcRuns = new Counter({ name: 'berth_gc_runs_total', help: 'Garbage-collection runs completed (dry runs excluded; failed runs: berth_jobs_settled_total{type="gc"}).', registers });
    this.gcDeletedBlobs = new Counter({ name: 'berth_gc_deleted_blobs_total', help: 'Unreferenced blobs garbage collection deleted.', registers });
    this.gcFreedBytes = new Counter({ name: 'berth_gc_freed_bytes_total', help: 'Bytes garbage collection freed (unreferenced blobs and orphan files).', registers });
    this.gcMissingFiles = new Counter({ name: 'berth_gc_missing_files_total', help: 'Blob rows garbage collection found without their file in storage (run berth fsck).', registers });
    this.lifecycleImages = new Counter({
      name: 'berth_lifecycle_images_total',
      help: 'Images lifecycle policies acted on, by action (expired, archived).',
      labelNames: ['action'],
      registers,
    });
  }

  jobSettled(job: JobRecord, outcome: 'succeeded' | 'failed'): void {
    this.jobs.inc({ type: job.type, outcome });
  }

  /**
   * The outbox subscriber that counts scan, GC and lifecycle results. Delivered once across the
   * deployment (the dispatcher's leased cursor), so summing these counters over nodes counts each
   * result once; starts at the end of the log, so history is not replayed into them.
   */
  subscription(): EventSubscription {
    return defineSubscription({
      name: 'metrics',
      types: ['image.scan.completed', 'gc.completed', 'lifecycle.image.expired', 'lifecycle.image.archived'],
      startAt: 'end',
      handle: async (events) => {
        for (const event of events) {
          switch (event.type) {
            case 'image.scan.completed':
              this.scans.inc({ status: event.payload.detail['scan-status'], reason: event.payload.reason });
              break;
            case 'gc.completed':
              this.gcRuns.inc();
              this.gcDeletedBlobs.inc(event.payload.blobsDeleted);
              this.gcFreedBytes.inc(event.payload.bytesFreed);
              this.gcMissingFiles.inc(event.payload.missingFiles);
              break;
            case 'lifecycle.image.expired':
              this.lifecycleImages.inc({ action: 'expired' });
              break;
            case 'lifecycle.image.archived':
              this.lifecycleImages.inc({ action: 'archived' });
              break;
          }
        }
      },
    });
  }
}
