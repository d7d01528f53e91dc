import type { Logger } from '../util/logger.js';
import type { MetadataStore } from '../metadata/store.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { GcHooks, GcPhase, GcSummary } from './types.js';

/** What every phase of one run shares. */
export interface RunContext {
  store: MetadataStore;
  blobs: BlobStore;
  log: Logger;
  now: () => Date;
  /** Blobs and orphans last used (or modified) before this are garbage: the run's start minus the grace period. */
  cutoff: Date;
  /** This run's lease owner id. */
  owner: string;
  dryRun: boolean;
  summary: GcSummary;
  hooks: GcHooks;
  leaseTtlMs: number;
  /** Blob rows per mark page. */
  pageSize: number;
  /** Digests leased and deleted together. */
  batchSize: number;
  /** Storage operations in flight at once. */
  concurrency: number;
  /** Throws when the run was aborted; reports progress. Called between batches. */
  checkpoint(phase: GcPhase): void;
}

/**
 * How long the sweep's lease must still run before it deletes rows: far more than one batch takes,
 * so a writer can never take a digest over between the sweep's check and its delete.
 */
export function leaseMargin(ctx: RunContext): number {
  return ctx.leaseTtlMs / 2;
}
