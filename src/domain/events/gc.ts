import { z } from 'zod';
import { registryWideEvent } from './envelope.js';

export const GcEvent = {
  /** A garbage-collection run (not a dry run) finished; the payload is its summary. */
  Completed: 'gc.completed',
  /** A blob whose stored bytes did not match its digest or size was set aside (src/gc/quarantine.ts). */
  BlobQuarantined: 'blob.quarantined',
} as const;

const count = z.number();

export const gcEvents = {
  [GcEvent.Completed]: registryWideEvent({
    dryRun: z.boolean(),
    graceSeconds: count,
    startedAt: z.string(),
    durationMs: count,
    blobsScanned: count,
    blobsDeleted: count,
    blobBytesFreed: count,
    blobsKept: count,
    orphanFilesDeleted: count,
    orphanBytesFreed: count,
    missingFiles: count,
    missingExamples: z.array(z.string()),
    staleUploadsDeleted: count,
    orphanUploadsDeleted: count,
    bytesFreed: count,
    remainingBlobs: count,
    remainingBytes: count,
  }),
  [GcEvent.BlobQuarantined]: registryWideEvent({
    digest: z.string(),
    expectedSize: count,
    actualSize: count,
    actualDigest: z.string().optional(),
    detectedBy: z.enum(['read', 'stat', 'fsck']),
    quarantinedAs: z.string(),
    actor: z.string(),
  }),
};
