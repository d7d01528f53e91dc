import { createHash } from 'node:crypto';
import { parseDigest } from '../domain/digest.js';
import type { BlobReferrer } from '../metadata/gc-store.js';
import type { MetadataStore } from '../metadata/store.js';
import type { BlobStore } from '../storage/blob-store.js';
import { type FileInfo, PathNotFoundError, ShortReadError } from '../storage/driver.js';
import type { Logger } from '../util/logger.js';
import { forEachLimit } from './pool.js';
import { quarantineBlob } from './quarantine.js';

/** What is wrong with a stored blob: no file, a file of another size, or bytes of another digest. */
export type BlobProblemKind = 'missing' | 'size' | 'digest' | 'unreadable';

export interface BlobProblem {
  digest: string;
  kind: BlobProblemKind;
  expectedSize: number;
  /** The file's size (size, digest). */
  actualSize?: number;
  /** What the file's bytes hash to (digest). */
  actualDigest?: string;
  /** Why it could not be read (unreadable). */
  error?: string;
  /** Where the file was set aside (with `quarantine`). */
  quarantinedAs?: string;
  /** Manifests that list the blob (the images a pull of which now fails), the first REFERRERS_SHOWN. */
  referencedBy: BlobReferrer[];
}

export interface VerifyProgress {
  blobsChecked: number;
  bytesChecked: number;
  /** Blob rows and their bytes when the run started. */
  blobsTotal: number;
  bytesTotal: number;
}

export interface VerifyReport extends VerifyProgress {
  /** In digest order. */
  problems: BlobProblem[];
  quarantined: number;
  durationMs: number;
}

export interface VerifyDeps {
  store: MetadataStore;
  blobs: BlobStore;
  log: Logger;
  now?: () => Date;
  /** Blob rows read per page, and blobs hashed at once (tests shrink them). */
  pageSize?: number;
  concurrency?: number;
}

export interface VerifyOptions {
  /** Set damaged files (size or digest) aside under quarantine/ so they are no longer served. */
  quarantine?: boolean;
  signal?: AbortSignal;
  /** Called after each page of blobs. */
  onProgress?: (progress: Readonly<VerifyProgress>) => void;
}

const REFERRERS_SHOWN = 20;

/**
 * Re-hashes every blob metadata lists (`berth fsck`): a page of rows at a time in digest order,
 * each file streamed through its digest's hash (constant memory), so silently corrupted, truncated
 * or lost files are found before a client pulls them. Safe beside a running server: reads need no
 * lock, a blob swept by garbage collection meanwhile is not a problem, and quarantining takes the
 * digest's lease (quarantine.ts).
 */
export async function verifyBlobs(deps: VerifyDeps, options: VerifyOptions = {}): Promise<VerifyReport> {
  const now = deps.now ?? (() => new Date());
  const started = now().getTime();
  const totals = await deps.store.gc.totals();
  const report: VerifyReport = {
    blobsChecked: 0,
    bytesChecked: 0,
    blobsTotal: totals.blobs,
    bytesTotal: totals.bytes,
    problems: [],
    quarantined: 0,
    durationMs: 0,
  };
  const pageSize = deps.pageSize ?? 500;
  for (let after = ''; ; ) {
    options.signal?.throwIfAborted();
    const page = await deps.store.gc.blobsAfter(after, pageSize);
    if (page.length === 0) break;
    await forEachLimit(page, deps.concurrency ?? 4, async (blob) => {
      const problem = await check(deps, blob, report);
      // A blob garbage collection swept since the page was read is gone, not damaged.
      if (problem && (await deps.store.gc.hasBlob(problem.digest))) report.problems.push(await settle(deps, now, problem, options.quarantine === true, report));
    });
    after = page[page.length - 1]!.digest;
    options.onProgress?.(report);
  }
  report.problems.sort((a, b) => (a.digest < b.digest ? -1 : 1));
  report.durationMs = now().getTime() - started;
  if (report.problems.length > 0) {
    deps.log.error({ problems: report.problems.length, quarantined: report.quarantined }, 'blob verification found damaged blobs');
  }
  return report;
}

type Found = Omit<BlobProblem, 'referencedBy'> & { file?: FileInfo };

async function check(deps: VerifyDeps, blob: { digest: string; size: number }, progress: VerifyProgress): Promise<Found | undefined> {
  const { digest, size: expectedSize } = blob;
  const file = await deps.blobs.stat(digest);
  progress.blobsChecked++;
  if (!file) return { digest, kind: 'missing', expectedSize };
  if (file.size !== expectedSize) return { digest, kind: 'size', expectedSize, actualSize: file.size, file };
  const hash = createHash(parseDigest(digest).algorithm);
  try {
    for await (const chunk of await deps.blobs.open(digest, { offset: 0, length: expectedSize })) {
      hash.update(chunk as Buffer);
      progress.bytesChecked += (chunk as Buffer).length;
    }
  } catch (err) {
    if (err instanceof PathNotFoundError) return { digest, kind: 'missing', expectedSize };
    if (err instanceof ShortReadError) return { digest, kind: 'size', expectedSize, actualSize: err.actual, file };
    return { digest, kind: 'unreadable', expectedSize, error: (err as Error).message };
  }
  const actualDigest = `${parseDigest(digest).algorithm}:${hash.digest('hex')}`;
  return actualDigest === digest ? undefined : { digest, kind: 'digest', expectedSize, actualSize: file.size, actualDigest, file };
}

/** Names what the problem breaks and, when asked, sets a damaged file aside. */
async function settle(deps: VerifyDeps, now: () => Date, found: Found, quarantine: boolean, report: VerifyReport): Promise<BlobProblem> {
  const { file, ...problem } = found;
  const referencedBy = await deps.store.gc.manifestsReferencing(problem.digest, REFERRERS_SHOWN);
  const result: BlobProblem = { ...problem, referencedBy };
  deps.log.error({ ...problem }, 'damaged blob found');
  if (!quarantine || !file || (problem.kind !== 'size' && problem.kind !== 'digest')) return result;
  const quarantinedAs = await quarantineBlob(
    { store: deps.store, blobs: deps.blobs, log: deps.log, now },
    { digest: problem.digest, expectedSize: problem.expectedSize, actualSize: file.size, actualDigest: problem.actualDigest, detectedBy: 'fsck' },
    // Only the very file found damaged: not one a push has put back meanwhile.
    (current) => current.size === file.size && current.modTime.getTime() === file.modTime.getTime(),
  );
  if (quarantinedAs) {
    result.quarantinedAs = quarantinedAs;
    report.quarantined++;
  }
  return result;
}
