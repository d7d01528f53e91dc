import { type Hash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { blobTooLarge, blobUploadNotFound, digestInvalid, isStorageFullCause, rangeNotSatisfiable, storageFull } from '../domain/errors.js';
import { type DigestAlgorithm, parseDigest } from '../domain/digest.js';
import type { RepositoryKey } from '../domain/reference.js';
import type { RepositoryRecord, UploadRecord } from '../metadata/registry-store.js';
import { type SourceHandling, UploadLimitExceededError } from '../storage/blob-store.js';
import type { Actor } from '../audit/actor.js';
import { KeyedMutex } from '../util/keyed-mutex.js';
import type { RegistryContext } from './context.js';
import type { RepositoryService } from './repositories.js';
import { UploadHashers } from './upload-hashers.js';

export interface UploadState {
  id: string;
  /** Bytes received so far. */
  size: number;
}

/** A client's claim about where its chunk goes (Content-Range: start-end, inclusive). */
export interface ChunkRange {
  start: number;
  end: number;
}

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Blob upload sessions: monolithic, chunked and streamed. Bytes are staged under the upload's id,
 * hashed as they arrive, and moved under their digest only once the digest the client named
 * matches what was received.
 */
export class UploadService {
  private readonly hashers = new UploadHashers();
  private readonly locks = new KeyedMutex();

  constructor(
    private readonly ctx: RegistryContext,
    private readonly repositories: RepositoryService,
  ) {}

  async start(key: RepositoryKey, actor: Actor): Promise<UploadState> {
    const repository = await this.repositories.forPush(key, actor);
    return this.open(repository);
  }

  private async open(repository: RepositoryRecord): Promise<UploadState> {
    const id = randomUUID();
    const now = this.ctx.now();
    await this.ctx.blobs.createUpload(id);
    try {
      await this.ctx.store.registry.createUpload({ id, repositoryId: repository.id, startedAt: now, updatedAt: now });
    } catch (err) {
      // No record (a full database, say): the staged file would be an orphan until collected.
      await this.ctx.blobs.deleteUpload(id).catch(() => undefined);
      throw err;
    }
    return { id, size: 0 };
  }

  async status(key: RepositoryKey, id: string): Promise<UploadState> {
    await this.find(key, id);
    return { id, size: await this.stagedSize(id) };
  }

  /**
   * Appends a chunk (PATCH). A chunk that does not start where the upload ends is refused (416).
   * `handling` says what storage may do with the body's chunks (the adapter knows where they come from).
   */
  async append(key: RepositoryKey, id: string, body: Readable, range?: ChunkRange, handling?: SourceHandling): Promise<UploadState> {
    await this.find(key, id);
    return this.locks.run(id, async () => {
      const size = await this.stagedSize(id);
      const newSize = await this.write(id, size, body, range, 'sha256', handling);
      await this.ctx.store.registry.touchUpload(id, this.ctx.now());
      return { id, size: newSize };
    });
  }

  /** Finishes an upload (PUT ?digest=), with an optional last chunk; verifies the digest and commits the blob. */
  async complete(
    key: RepositoryKey,
    id: string,
    digest: string,
    body?: Readable,
    range?: ChunkRange,
    handling?: SourceHandling,
  ): Promise<{ digest: string; size: number }> {
    const { algorithm } = parseDigest(digest);
    const upload = await this.find(key, id);
    return this.locks.run(id, async () => {
      let size = await this.stagedSize(id);
      if (body) size = await this.write(id, size, body, range, algorithm, handling);
      const actual = await this.digestOf(id, algorithm, size);
      if (actual !== digest) {
        await this.discardAfter(id, 'digest mismatch');
        throw digestInvalid(`provided digest ${digest} does not match the uploaded content (${actual})`, digest);
      }
      // Under the digest's lease, so a concurrent garbage-collection sweep of the same content can
      // never delete the file between this move (or "already there") and this link.
      await this.ctx.guard.whileLinking(digest, async () => {
        await this.ctx.blobs.commitUpload(id, digest, size);
        await this.ctx.store.registry.linkBlob(upload.repositoryId, { digest, size }, this.ctx.now());
      });
      await this.ctx.store.registry.deleteUpload(id);
      return { digest, size };
    });
  }

  /** A single-request upload (POST ?digest= with the body). */
  async monolithic(key: RepositoryKey, digest: string, body: Readable, actor: Actor, handling?: SourceHandling): Promise<{ digest: string; size: number }> {
    parseDigest(digest);
    const repository = await this.repositories.forPush(key, actor);
    const { id } = await this.open(repository);
    try {
      return await this.complete(key, id, digest, body, undefined, handling);
    } catch (err) {
      await this.discardAfter(id, err);
      throw err;
    }
  }

  async cancel(key: RepositoryKey, id: string): Promise<void> {
    await this.find(key, id);
    await this.locks.run(id, () => this.discard(id));
  }

  /**
   * Removes an upload's staged bytes, then its record (also used by the stale-upload sweep). Bytes
   * first: on a full disk the record's delete may itself fail, and must not keep the space taken
   * (a record left without bytes reads as an unknown upload and is swept as stale).
   */
  async discard(id: string): Promise<void> {
    this.hashers.drop(id);
    await this.ctx.blobs.deleteUpload(id);
    await this.ctx.store.registry.deleteUpload(id);
  }

  /** Discards an upload that failed with `cause`, which is what the client hears of, not this. */
  private async discardAfter(id: string, cause: unknown): Promise<void> {
    await this.discard(id).catch((err: unknown) => this.ctx.log.warn({ err, upload: id, cause }, 'discarding a failed upload failed'));
  }

  /** Discards uploads idle since before `before` (their clients gave up); returns how many. */
  async purgeIdle(before: Date, limit = 1000): Promise<number> {
    const idle = await this.ctx.store.registry.listUploadsUpdatedBefore(before, limit);
    for (const upload of idle) await this.locks.run(upload.id, () => this.discard(upload.id));
    return idle.length;
  }

  private async find(key: RepositoryKey, id: string): Promise<UploadRecord> {
    if (!UPLOAD_ID.test(id)) throw blobUploadNotFound(id);
    const repository = await this.repositories.get(key);
    const upload = await this.ctx.store.registry.getUpload(id);
    if (!upload || upload.repositoryId !== repository.id) throw blobUploadNotFound(id);
    return upload;
  }

  /** The digest of the upload's `size` bytes: hashed here, recorded by the node that hashed them, or read back and hashed. */
  private async digestOf(id: string, algorithm: DigestAlgorithm, size: number): Promise<string> {
    const recorded = this.hashers.holds(id, algorithm, size) ? undefined : await this.ctx.blobs.uploadDigest(id, algorithm, size);
    if (recorded) {
      this.hashers.drop(id);
      return recorded;
    }
    const hash = await this.hashers.take(id, algorithm, size, () => this.ctx.blobs.readUpload(id));
    return `${algorithm}:${hash.digest('hex')}`;
  }

  private async stagedSize(id: string): Promise<number> {
    const size = await this.ctx.blobs.uploadSize(id);
    if (size === undefined) throw blobUploadNotFound(id, 'has no staged data');
    return size;
  }

  private async write(
    id: string,
    size: number,
    body: Readable,
    range: ChunkRange | undefined,
    algorithm: 'sha256' | 'sha512',
    handling: SourceHandling | undefined,
  ): Promise<number> {
    if (range && range.start !== size) {
      body.resume();
      throw rangeNotSatisfiable(`chunk starts at ${range.start} but the upload has ${size} bytes`, size);
    }
    const remaining = this.ctx.options.maxBlobBytes - size;
    const hash = await this.hashers.take(id, algorithm, size, () => this.ctx.blobs.readUpload(id));
    let newSize: number;
    try {
      newSize = await this.ctx.blobs.append(id, body, hash, { ...handling, maxBytes: remaining });
    } catch (err) {
      if (err instanceof UploadLimitExceededError) throw blobTooLarge(this.ctx.options.maxBlobBytes);
      if (isStorageFullCause(err)) {
        // What this upload staged is what fills the disk: free it now rather than keep a session
        // the client would have to resume into a full disk (it starts over once space returns).
        this.ctx.log.error({ err, upload: id, staged: await this.ctx.blobs.uploadSize(id).catch(() => undefined) }, 'upload failed: storage full');
        await this.discardAfter(id, err);
        throw storageFull(err);
      }
      throw err;
    }
    if (range && newSize !== range.end + 1) {
      // The bytes are kept (the client may resume from the real offset), but the claim was false.
      await this.keep(id, algorithm, hash, newSize);
      throw rangeNotSatisfiable(`Content-Range ${range.start}-${range.end} does not match the ${newSize - range.start} bytes received`, newSize);
    }
    await this.keep(id, algorithm, hash, newSize);
    return newSize;
  }

  /** Keeps the running hash for this node's next chunk, and (shared storage) its digest for other nodes. */
  private async keep(id: string, algorithm: DigestAlgorithm, hash: Hash, size: number): Promise<void> {
    this.hashers.put(id, algorithm, hash, size);
    if (this.ctx.blobs.driver.shared) await this.ctx.blobs.saveUploadDigest(id, `${algorithm}:${hash.copy().digest('hex')}`, size);
  }
}
