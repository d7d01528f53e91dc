/** What one garbage-collection run did (or, in a dry run, would do). */
export interface GcSummary {
  dryRun: boolean;
  graceSeconds: number;
  startedAt: string;
  durationMs: number;
  /** Blob rows the mark looked at. */
  blobsScanned: number;
  /** Unreferenced blobs past the grace period whose rows (and files) were deleted. */
  blobsDeleted: number;
  /** Bytes of their files. */
  blobBytesFreed: number;
  /** Candidates a concurrent push or pull used (or held) before the sweep reached them, so they stay. */
  blobsKept: number;
  /** Files under blobs/ with no row, past the grace period (e.g. a crash between the move and the link), deleted. */
  orphanFilesDeleted: number;
  orphanBytesFreed: number;
  /**
   * Blob rows found without their file (deleted outside Berth?). Unreferenced ones past the grace
   * period are removed with their links like any garbage; referenced ones stay, and pulls of the
   * images using them fail until the blob is pushed again.
   */
  missingFiles: number;
  /** Up to ten of them, for the operator to look into. */
  missingExamples: string[];
  /** Upload sessions idle longer than the upload staleness limit, discarded. */
  staleUploadsDeleted: number;
  /** Upload directories with no session row, past the grace period, deleted. */
  orphanUploadsDeleted: number;
  /** Total bytes freed (blob files plus orphan files). */
  bytesFreed: number;
  /** Blob rows and bytes left after the run. */
  remainingBlobs: number;
  remainingBytes: number;
}

export type GcPhase = 'blobs' | 'storage' | 'uploads' | 'done';

export type GcProgressListener = (phase: GcPhase, sofar: Readonly<GcSummary>) => void;

/**
 * Test seams: pauses between the steps whose interleaving with pushes matters. Production code
 * passes none.
 */
export interface GcHooks {
  /** After a page of candidates is read, before any of them is leased. */
  afterScan?(digests: string[]): Promise<void> | void;
  /** After blob rows are deleted (leases still held), before their files are. */
  beforeFileDelete?(digests: string[]): Promise<void> | void;
  /** After orphan files are chosen, before they are leased and re-checked. */
  beforeOrphanDelete?(digests: string[]): Promise<void> | void;
}

export interface GcRunOptions {
  /** Unreferenced blobs and orphans younger than this stay. */
  graceMs: number;
  /** Count what would be freed without changing anything (no deletes, no leases, no event). */
  dryRun?: boolean;
  /** Discard upload sessions idle longer than this; absent leaves them to the hourly purge. */
  uploadIdleMs?: number;
  signal?: AbortSignal;
  onProgress?: GcProgressListener;
  hooks?: GcHooks;
}

export function emptySummary(dryRun: boolean, graceMs: number, startedAt: Date): GcSummary {
  return {
    dryRun,
    graceSeconds: graceMs / 1000,
    startedAt: startedAt.toISOString(),
    durationMs: 0,
    blobsScanned: 0,
    blobsDeleted: 0,
    blobBytesFreed: 0,
    blobsKept: 0,
    orphanFilesDeleted: 0,
    orphanBytesFreed: 0,
    missingFiles: 0,
    missingExamples: [],
    staleUploadsDeleted: 0,
    orphanUploadsDeleted: 0,
    bytesFreed: 0,
    remainingBlobs: 0,
    remainingBytes: 0,
  };
}
