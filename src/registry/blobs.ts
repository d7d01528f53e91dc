import type { Actor } from '../audit/actor.js';
import type { Readable } from 'node:stream';
import { blobMissingFromStorage, blobNotFound } from '../domain/errors.js';
import { isValidDigest, parseDigest } from '../domain/digest.js';
import type { RepositoryKey } from '../domain/reference.js';
import type { BlobRecord, RepositoryRecord } from '../metadata/registry-store.js';
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

  /** Opens the blob, optionally a byte range of it (already validated against its size). */
  async open(key: RepositoryKey, digest: string, range?: ByteRange): Promise<{ blob: BlobRecord; stream: Readable }> {
    const blob = await this.stat(key, digest);
    try {
      const stream = await this.ctx.blobs.open(
        digest,
        range ? { offset: range.start, length: range.end - range.start + 1 } : undefined,
      );
      return { blob, stream };
    } catch (err) {
      // Metadata says present but storage lost it: report it honestly rather than serve nothing.
      this.ctx.log.error({ err, digest }, 'blob linked in metadata is missing from storage');
      throw blobMissingFromStorage(digest);
    }
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
