import { parseDigest, createDigester } from '../domain/digest.js';
import type { BlobStore } from './blob-store.js';
import { PathNotFoundError, ShortReadError } from './driver.js';

/** Uploads copyBlob stages blobs in are named with this prefix and the digest. */
export const MIGRATION_UPLOAD_PREFIX = 'migrate-';

/** What happened to one blob: copied, already there (skipped), or a problem with the source's copy. */
export type BlobCopyOutcome =
  | { kind: 'copied'; bytes: number }
  | { kind: 'skipped'; bytes: number }
  | { kind: 'failed'; reason: 'missing' | 'size' | 'digest'; message: string };

/**
 * Copies the blob `digest` of `size` bytes from one blob store to another, streamed (constant
 * memory) through its digest's hash on the way, into an upload of the destination that becomes
 * the blob only when the bytes read hash to the digest and have the recorded size: never trusting
 * the source, so a damaged source file is reported, not copied. A destination that already holds
 * the blob at its size is left alone (blobs appear there only complete and verified). An upload an
 * interrupted copy left behind is discarded first: its id is the digest's, so a rerun finds it.
 */
export async function copyBlob(from: BlobStore, to: BlobStore, digest: string, size: number): Promise<BlobCopyOutcome> {
  if ((await to.stat(digest))?.size === size) return { kind: 'skipped', bytes: size };
  const { algorithm, hex } = parseDigest(digest);
  const stat = await from.stat(digest);
  if (!stat) return { kind: 'failed', reason: 'missing', message: `${digest}: no file in the source storage` };
  if (stat.size !== size) return { kind: 'failed', reason: 'size', message: `${digest}: the source file holds ${stat.size} bytes, metadata says ${size}` };
  const upload = `${MIGRATION_UPLOAD_PREFIX}${algorithm}-${hex}`;
  await to.deleteUpload(upload);
  await to.createUpload(upload);
  const hash = createDigester(algorithm);
  let copied: number;
  try {
    copied = await to.append(upload, await from.open(digest, { offset: 0, length: size }), hash);
  } catch (err) {
    await to.deleteUpload(upload).catch(() => undefined);
    if (err instanceof PathNotFoundError) return { kind: 'failed', reason: 'missing', message: `${digest}: no file in the source storage` };
    if (err instanceof ShortReadError) return { kind: 'failed', reason: 'size', message: `${digest}: the source file ended early (${err.message})` };
    throw err;
  }
  const actual = `${algorithm}:${hash.digest('hex')}`;
  if (copied !== size || actual !== digest) {
    await to.deleteUpload(upload);
    return copied !== size
      ? { kind: 'failed', reason: 'size', message: `${digest}: read ${copied} bytes from the source, metadata says ${size}` }
      : { kind: 'failed', reason: 'digest', message: `${digest}: the source file's bytes hash to ${actual} (damaged; \`berth fsck\` on the source finds such files)` };
  }
  await to.commitUpload(upload, digest, size);
  return { kind: 'copied', bytes: size };
}
