import type { Actor } from '../audit/actor.js';
import { Readable } from 'node:stream';
import { type DomainError, blobDamaged, blobInUse, blobMissingFromStorage, blobNotFound, isDomainError } from '../domain/errors.js';
import { digestOf, isValidDigest, parseDigest } from '../domain/digest.js';
import type { RepositoryKey } from '../domain/reference.js';
import { quarantineBlob } from '../gc/quarantine.js';
import type { BlobRecord, RepositoryRecord } from '../metadata/registry-store.js';
import { type FileInfo, PathNotFoundError, ShortReadError } from '../storage/driver.js';
import type { HandingOverReadable } from '../storage/handed-over.js';
import type { RegistryContext } from './context.js';
import type { RepositoryService } from './repositories.js';

/**
 * Blobs up to this size read whole are hashed before they are served (an image config, mostly),
 * so silent corruption of what tells a client how to run the image is caught on the first pull.
 * SHA-256 runs ~1.4 GB/s here: ≤ 45 µs per blob, a few % of a small blob GET; a 1 MiB bound would
 * add ~0.7 ms to each such GET.
 */
export const VERIFY_ON_READ_BYTES = 64 * 1024;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The bytes as a stream whose one chunk the consumer may free (as the filesystem reader's are). */
function handingOver(bytes: Buffer): HandingOverReadable {
  const stream = new Readable({ read() {} }) as Readable & { handsOverChunks: true };
  stream.handsOverChunks = true;
  stream.push(bytes);
  stream.push(null);
  return stream;
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export class BlobService {
  constructor(
    private readonly ctx: RegistryContext,
    private readonly repositories: RepositoryService,
  ) {}

  /** The blob as the repository sees it, or BlobNotFound. */
  async stat(key: RepositoryKey, digest: string): Promise<BlobRecord> {
    parseDigest(digest);
    const repository = await this.repositories.get(key);
    return this.linked(repository, digest);
  }

  private async linked(repository: RepositoryRecord, digest: string): Promise<BlobRecord> {
    const blob = await this.ctx.store.registry.getRepositoryBlob(repository.id, digest);
    // A client that finds a blob here may reference it in a manifest next: vouch for it so garbage
    // collection leaves it for at least half its grace period (false: swept meanwhile).
    if (!blob || !(await this.ctx.guard.noteRead(repository.id, digest))) throw blobNotFound(repository, digest);
    return blob;
  }

  /**
   * The blob as HEAD reports it: linked to the repository (stat) and stored whole. A file of another
   * size than recorded is damaged: set aside and answered as not found, so the client pushes it
   * again rather than building on bytes a pull cannot get.
   */
  async head(key: RepositoryKey, digest: string): Promise<BlobRecord> {
    const blob = await this.stat(key, digest);
    const file = await this.ctx.blobs.stat(digest);
    if (!file) throw await this.missing(digest);
    if (file.size !== blob.size) throw await this.damaged(blob, { actualSize: file.size }, 'stat');
    return blob;
  }

  /**
   * Opens the blob, optionally a byte range of it (already validated against its size). Storage is
   * asked for exactly the bytes the response announces: a file found too short is answered as
   * damaged before any byte goes out, and one that comes up short while streaming fails the stream
   * (ShortReadError), which cuts the response off; either way the blob is set aside. A small blob
   * read whole (an image config, mostly) is hashed before it is served (VERIFY_ON_READ_BYTES).
   */
  async open(key: RepositoryKey, digest: string, range?: ByteRange): Promise<{ blob: BlobRecord; stream: Readable }> {
    const blob = await this.stat(key, digest);
    const wanted = range ? { offset: range.start, length: range.end - range.start + 1 } : { offset: 0, length: blob.size };
    let stream: Readable;
    try {
      stream = await this.ctx.blobs.open(digest, wanted);
      if (!range && blob.size <= VERIFY_ON_READ_BYTES) return { blob, stream: await this.verified(blob, stream) };
    } catch (err) {
      if (err instanceof ShortReadError) throw await this.damaged(blob, { actualSize: err.actual }, 'read');
      if (isDomainError(err)) throw err;
      if (!(err instanceof PathNotFoundError)) this.ctx.log.error({ err, digest }, 'opening a blob failed');
      throw await this.missing(digest);
    }
    stream.once('error', (err) => {
      if (err instanceof ShortReadError) void this.damaged(blob, { actualSize: err.actual }, 'read');
    });
    return { blob, stream };
  }

  /** A small blob's bytes, once they hash to its digest. */
  private async verified(blob: BlobRecord, stream: Readable): Promise<Readable> {
    const bytes = await readAll(stream);
    const actualDigest = digestOf(bytes, parseDigest(blob.digest).algorithm);
    if (actualDigest !== blob.digest) throw await this.damaged(blob, { actualSize: bytes.length, actualDigest }, 'read');
    return handingOver(bytes);
  }

  /** Metadata says present but storage lost it (or it was set aside as damaged): say so rather than serve nothing. */
  private async missing(digest: string): Promise<DomainError> {
    const quarantined = (await this.ctx.blobs.isQuarantined(digest).catch(() => false)) === true;
    this.ctx.log.error({ digest, quarantined }, 'blob linked in metadata is missing from storage');
    return blobMissingFromStorage(digest, quarantined);
  }

  /** Logs a blob whose file is not its recorded size or digest, sets it aside, and returns the error to answer. */
  private async damaged(
    blob: BlobRecord,
    found: { actualSize: number; actualDigest?: string },
    detectedBy: 'read' | 'stat',
  ): Promise<DomainError> {
    const { digest, size: expectedSize } = blob;
    const { actualSize, actualDigest } = found;
    const damage = { digest, expectedSize, ...found, detectedBy };
    if (actualDigest) this.ctx.log.error(damage, 'blob content does not match its digest');
    else this.ctx.log.error(damage, 'blob file is not its recorded size');
    // Still damaged under the lease: the size still differs, or (a small blob) the bytes still hash wrong.
    const stillDamaged = async (file: FileInfo) =>
      file.size !== expectedSize || (actualDigest !== undefined && digestOf(await readAll(await this.ctx.blobs.open(digest)), parseDigest(digest).algorithm) !== digest);
    await quarantineBlob({ ...this.ctx, now: () => this.ctx.now() }, damage, stillDamaged).catch((err: unknown) =>
      this.ctx.log.error({ err, digest }, 'setting a damaged blob aside failed'),
    );
    return blobDamaged(digest, actualDigest ? `its content hashes to ${actualDigest}` : `its file holds ${actualSize} of ${expectedSize} bytes`);
  }

  /** A URL the client may fetch the blob from directly, when the storage backend supports it. */
  async redirectURL(digest: string, expiresInSeconds: number): Promise<string | undefined> {
    return this.ctx.blobs.redirectURL(digest, expiresInSeconds);
  }

  /** Removes the blob from the repository; the bytes are freed by garbage collection when nothing references them. */
  async delete(key: RepositoryKey, digest: string): Promise<void> {
    parseDigest(digest);
    const repository = await this.repositories.get(key);
    const result = await this.ctx.store.registry.unlinkBlob(repository.id, digest);
    if (result.outcome === 'missing') throw blobNotFound(repository, digest);
    if (result.outcome === 'referenced') throw blobInUse(key, digest, result);
  }

  /**
   * Cross-repository mount: links a blob the source repository has into the target. Returns
   * undefined when the blob cannot be mounted (the caller then starts a regular upload).
   */
  async mount(target: RepositoryKey, source: RepositoryKey, digest: string, actor: Actor): Promise<BlobRecord | undefined> {
    // A malformed digest names nothing that could be mounted: the client gets a session instead.
    if (!isValidDigest(digest)) return undefined;
    const sourceRepository = await this.repositories.find(source);
    if (!sourceRepository) return undefined;
    if (!(await this.ctx.store.registry.getRepositoryBlob(sourceRepository.id, digest))) return undefined;
    const repository = await this.repositories.forPush(target, actor);
    // Checked again under the digest's lease: the file found here cannot be swept before the link lands.
    return this.ctx.guard.whileLinking(digest, async () => {
      const blob = await this.ctx.store.registry.getRepositoryBlob(sourceRepository.id, digest);
      if (!blob || !(await this.ctx.blobs.stat(digest))) return undefined;
      await this.ctx.store.registry.linkBlob(repository.id, blob, this.ctx.now());
      return blob;
    });
  }
}
