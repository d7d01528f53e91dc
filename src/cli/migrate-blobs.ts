import type { SqliteSource } from '../metadata/transfer/sqlite-source.js';
import type { BlobStore } from '../storage/blob-store.js';
import { MIGRATION_UPLOAD_PREFIX, copyBlob } from '../storage/copy-blob.js';
import { type MigrateSummary, formatBlobProgress } from './migrate-report.js';
import type { CliIo } from './offline.js';

// Blobs copied at once: enough to keep S3's latency out of the way, few enough for small blobs'
// round trips not to swamp the destination. Each copy holds up to three S3 parts in memory (24 MiB at the default part size).
const CONCURRENCY = 4;
const PROGRESS_EVERY_MS = 1000;

/**
 * Copies every blob the source's metadata lists, in digest order, CONCURRENCY at a time (see
 * storage/copy-blob.ts: verified while streamed, skipped when already there). Counts go into the
 * summary; a blob that cannot be copied (missing or damaged at the source) is a failure, not an
 * abort, so one bad file does not hold back the rest. Progress goes to stderr once a second.
 */
export async function migrateBlobs(source: SqliteSource, from: BlobStore, to: BlobStore, summary: MigrateSummary, io: CliIo): Promise<void> {
  const totals = source.blobTotals();
  const blobs = summary.blobs;
  blobs.total = totals.count;
  blobs.totalBytes = totals.bytes;
  let lastProgress = 0;
  const progress = (force = false) => {
    if (!force && Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = Date.now();
    io.stderr.write(`${formatBlobProgress(blobs, summary.failures.length)}\n`);
  };
  const queue = source.blobs();
  const worker = async () => {
    for (;;) {
      io.signal?.throwIfAborted();
      const next = queue.next();
      if (next.done) return;
      const { digest, size } = next.value;
      const outcome = await copyBlob(from, to, digest, size);
      if (outcome.kind === 'copied') {
        blobs.copied++;
        blobs.copiedBytes += outcome.bytes;
      } else if (outcome.kind === 'skipped') {
        blobs.skipped++;
        blobs.skippedBytes += outcome.bytes;
      } else {
        summary.failures.push(outcome.message);
      }
      progress();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  progress(true);
  // An interrupted run can leave an upload behind a blob it had already moved into place.
  for (const id of await to.listUploadIds()) if (id.startsWith(MIGRATION_UPLOAD_PREFIX)) await to.deleteUpload(id);
}
