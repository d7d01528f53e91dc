import { z } from 'zod';
import { registryWideEvent } from './envelope.js';

export const GcEvent = {
  /** A garbage-collection run (not a dry run) finished; the payload is its summary. */
  Completed: 'gc.completed',
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
};
