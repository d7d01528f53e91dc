import type { Actor } from '../audit/actor.js';
import type { Readable } from 'node:stream';
import { type DomainError, blobDamaged, blobMissingFromStorage, blobNotFound } from '../domain/errors.js';
import { isValidDigest, parseDigest } from '../domain/digest.js';
import type { RepositoryKey } from '../domain/reference.js';
import { quarantineBlob } from '../gc/quarantine.js';
import type { BlobRecord, RepositoryRecord } from '../metadata/registry-store.js';
import { PathNotFoundError, ShortReadError } from '../storage/driver.js';
import type { RegistryContext } from './context.js';
import type { RepositoryService } from './repositories.js';

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
    if (file.size !== blob.size) throw await this.damaged(blob, file.size, 'stat');
    return blob;
  }

  /**
   * Opens the blob, optionally a byte range of it (already validated against its size). Storage is
   * asked for exactly the bytes the response announces: a file found too short is answered as
   * damaged before any byte goes out, and one that comes up short while streaming fails the stream
   * (ShortReadError), which cuts the response off; either way the blob is set aside.
   */
  async open(key: RepositoryKey, digest: string, range?: ByteRange): Promise<{ blob: BlobRecord; stream: Readable }> {
    const blob = await this.stat(key, digest);
    const wanted = range ? { offset: range.start, length: range.end - range.start + 1 } : { offset: 0, length: blob.size };
    let stream: Readable;
    try {
      stream = await this.ctx.blobs.open(digest, wanted);
    } catch (err) {
      if (err instanceof ShortReadError) throw await this.damaged(blob, err.actual, 'read');
      if (!(err instanceof PathNotFoundError)) this.ctx.log.error({ err, digest }, 'opening a blob failed');
      throw await this.missing(digest);
    }
    stream.once('error', (err) => {
      if (err instanceof ShortReadError) void this.damaged(blob, err.actual, 'read');
    });
    return { blob, stream };
  }

  /** Metadata says present but storage lost it (or it was set aside as damaged): say so rather than serve nothing. */
  private async missing(digest: string): Promise<DomainError> {
    const quarantined = (await this.ctx.blobs.isQuarantined(digest).catch(() => false)) === true;
    this.ctx.log.error({ digest, quarantined }, 'blob linked in metadata is missing from storage');
    return blobMissingFromStorage(digest, quarantined);
  }

  /** Logs a blob whose file is not its recorded size, sets it aside, and returns the error to answer. */
  private async damaged(blob: BlobRecord, actualSize: number, detectedBy: 'read' | 'stat'): Promise<DomainError> {
    const { digest, size: expectedSize } = blob;
    this.ctx.log.error({ digest, expectedSize, actualSize, detectedBy }, 'blob file is not its recorded size');
    await quarantineBlob(
      { ...this.ctx, now: () => this.ctx.now() },
      { digest, expectedSize, actualSize, detectedBy },
      (file) => file.size !== expectedSize,
    ).catch((err: unknown) => this.ctx.log.error({ err, digest }, 'setting a damaged blob aside failed'));
    return blobDamaged(digest, expectedSize, actualSize);
  }

  /** A URL the client may fetch the blob from directly, when the storage backend supports it. */
  async redirectURL(digest: string, expiresInSeconds: number): Promise<string | undefined> {
    return this.ctx.blobs.redirectURL(digest, expiresInSeconds);
  }

  /** Removes the blob from the repository; the bytes are freed by garbage collection when nothing references them. */
  async delete(key: RepositoryKey, digest: string): Promise<void> {
    parseDigest(digest);
    const repository = await this.repositories.get(key);
    if (!(await this.ctx.store.registry.unlinkBlob(repository.id, digest))) throw blobNotFound(repository, digest);
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
