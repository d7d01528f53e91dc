import { Transform, type Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { Hash } from 'node:crypto';
import { type DigestAlgorithm, parseDigest } from '../domain/digest.js';
import { type FileInfo, PathNotFoundError, type StorageDriver } from './driver.js';

/** An append stopped because the upload would grow past the `maxBytes` its caller allowed. */
export class UploadLimitExceededError extends Error {
  constructor(readonly maxBytes: number) {
    super(`upload exceeds ${maxBytes} bytes`);
    this.name = 'UploadLimitExceededError';
  }
}

/** What `append` may do with the stream it is given: the caller, who knows where the bytes come from, says. */
export interface SourceHandling {
  /**
   * The chunks are fresh allocations nothing else reads (an HTTP parser's request-body chunks are):
   * the driver may free each once stored (WriterOptions.handOver) instead of leaving tens of MB to
   * the garbage collector.
   */
  handOver?: boolean;
  /**
   * When appending fails, unpipe the source instead of destroying it: its owner drains it.
   * Destroying an HTTP request mid-body leaves its connection paused for good (the client's next
   * request on it hangs); left alive, the /v2 error handler resumes it and the connection stays usable.
   */
  drainedByOwner?: boolean;
  /** Told each chunk's length as it is read from the source (the caller's byte counts, e.g. metrics). */
  onBytes?: (bytes: number) => void;
}

export interface AppendOptions extends SourceHandling {
  /** Fails (`upload exceeds <n> bytes`) as soon as more than this many bytes arrived. */
  maxBytes?: number;
}

/**
 * Content-addressed blobs (`blobs/<alg>/<2 hex>/<hex>`) and staged uploads (`uploads/<id>/data`)
 * over a storage driver. Bytes reach a blob path only by moving a fully written, digest-verified
 * upload, so a partially written blob is never visible. Which repository may see a blob is
 * metadata's business, not the layout's.
 */
export class BlobStore {
  constructor(readonly driver: StorageDriver) {}

  static blobPath(digest: string): string {
    const { algorithm, hex } = parseDigest(digest);
    return `blobs/${algorithm}/${hex.slice(0, 2)}/${hex}`;
  }

  static uploadPath(id: string): string {
    return `uploads/${id}/data`;
  }

  /** Where a damaged blob is set aside (outside blobs/, so it is neither served nor collected). */
  static quarantinePath(digest: string): string {
    const { algorithm, hex } = parseDigest(digest);
    return `quarantine/${algorithm}/${hex}`;
  }

  async stat(digest: string): Promise<FileInfo | undefined> {
    return this.driver.stat(BlobStore.blobPath(digest));
  }

  async open(digest: string, range?: { offset: number; length?: number }): Promise<Readable> {
    return this.driver.reader(BlobStore.blobPath(digest), range);
  }

  async delete(digest: string): Promise<void> {
    await this.driver.delete(BlobStore.blobPath(digest));
  }

  /**
   * Moves a damaged blob's file aside to quarantinePath (replacing an earlier one there), so the
   * digest reads as missing and a push of the same content can put good bytes back in its place.
   */
  async quarantine(digest: string): Promise<string> {
    const destination = BlobStore.quarantinePath(digest);
    await this.driver.move(BlobStore.blobPath(digest), destination);
    return destination;
  }

  async isQuarantined(digest: string): Promise<boolean> {
    return (await this.driver.stat(BlobStore.quarantinePath(digest))) !== undefined;
  }

  async redirectURL(digest: string, expiresInSeconds: number): Promise<string | undefined> {
    return this.driver.redirectURL?.(BlobStore.blobPath(digest), { expiresInSeconds });
  }

  /** Every stored blob, as digest + size + modification time (for garbage collection). */
  async *walkBlobs(): AsyncIterable<{ digest: string; size: number; modTime: Date }> {
    for (const algorithm of ['sha256', 'sha512']) {
      for await (const info of this.driver.walk(`blobs/${algorithm}`)) {
        const hex = info.path.slice(info.path.lastIndexOf('/') + 1);
        yield { digest: `${algorithm}:${hex}`, size: info.size, modTime: info.modTime };
      }
    }
  }

  /**
   * The shards blobs are spread over (`sha256:ab` for blobs/sha256/ab/), so a caller can reconcile
   * storage with metadata one shard at a time in bounded memory.
   */
  async listBlobShards(): Promise<string[]> {
    const shards: string[] = [];
    for (const algorithm of ['sha256', 'sha512']) {
      for (const path of await this.driver.list(`blobs/${algorithm}`)) {
        const shard = path.slice(path.lastIndexOf('/') + 1);
        if (/^[0-9a-f]{2}$/.test(shard)) shards.push(`${algorithm}:${shard}`);
      }
    }
    return shards;
  }

  /** The names stored in one shard, as digests, listed without stat-ing each file (cheap over millions). */
  async listShard(shard: string): Promise<string[]> {
    const [algorithm, prefix] = shard.split(':') as [string, string];
    return (await this.driver.list(`blobs/${algorithm}/${prefix}`)).map(
      (path) => `${algorithm}:${path.slice(path.lastIndexOf('/') + 1)}`,
    );
  }

  // ---- uploads ----

  async createUpload(id: string): Promise<void> {
    await this.driver.putContent(BlobStore.uploadPath(id), Buffer.alloc(0));
  }

  async uploadSize(id: string): Promise<number | undefined> {
    return (await this.driver.stat(BlobStore.uploadPath(id)))?.size;
  }

  /**
   * Appends a stream to an upload, feeding every byte to `hash` on the way. Returns the upload's
   * new size. On failure, whatever reached the disk stays (the upload can be resumed from its
   * size) and the caller must discard the hash, which may have seen bytes the disk did not.
   * More than `maxBytes` fails with UploadLimitExceededError.
   */
  async append(id: string, source: Readable, hash: Hash | undefined, options: AppendOptions = {}): Promise<number> {
    const { maxBytes, handOver = false, drainedByOwner = false, onBytes } = options;
    const writer = await this.driver.writer(BlobStore.uploadPath(id), { append: true, handOver });
    let seen = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        onBytes?.(chunk.length);
        if (maxBytes !== undefined && seen > maxBytes) {
          callback(new UploadLimitExceededError(maxBytes));
          return;
        }
        hash?.update(chunk);
        writer.checkpoint?.();
        callback(null, chunk);
      },
      highWaterMark: 1024 * 1024,
    });
    try {
      if (drainedByOwner) {
        await Promise.all([pipeInto(source, tap), pipeline(tap, writer.stream)]);
      } else {
        await pipeline(source, tap, writer.stream);
      }
    } finally {
      await writer.close();
    }
    return writer.size;
  }

  /**
   * On shared storage (driver.shared), records the digest of the upload's first `size` bytes after
   * each append, so that whichever node completes the upload need not read them back to hash them
   * (see registry/upload-hashers.ts). A no-op on storage only one node uses.
   */
  async saveUploadDigest(id: string, digest: string, size: number): Promise<void> {
    if (!this.driver.shared) return;
    const { algorithm } = parseDigest(digest);
    await this.driver.putContent(`uploads/${id}/${algorithm}-digest`, Buffer.from(JSON.stringify({ size, digest })));
  }

  /** The digest saveUploadDigest recorded, when it covers exactly the upload's first `size` bytes. */
  async uploadDigest(id: string, algorithm: DigestAlgorithm, size: number): Promise<string | undefined> {
    if (!this.driver.shared) return undefined;
    try {
      const saved = JSON.parse((await this.driver.getContent(`uploads/${id}/${algorithm}-digest`)).toString()) as { size?: unknown; digest?: unknown };
      return saved.size === size && typeof saved.digest === 'string' ? saved.digest : undefined;
    } catch (err) {
      if (err instanceof PathNotFoundError || err instanceof SyntaxError) return undefined;
      throw err;
    }
  }

  /** Reads an upload's bytes back (to rebuild a hash after a restart). */
  async readUpload(id: string): Promise<Readable> {
    return this.driver.reader(BlobStore.uploadPath(id));
  }

  /**
   * Moves a verified upload of `size` bytes into place under its digest. An existing blob with that
   * digest and size wins; one of another size is damaged (truncated) and is replaced.
   */
  async commitUpload(id: string, digest: string, size: number): Promise<void> {
    const destination = BlobStore.blobPath(digest);
    if ((await this.driver.stat(destination))?.size === size) {
      await this.deleteUpload(id);
      return;
    }
    // Flush the staged bytes to stable storage before they become visible under their digest.
    await (await this.driver.writer(BlobStore.uploadPath(id), { append: true })).commit();
    await this.driver.move(BlobStore.uploadPath(id), destination);
    await this.driver.delete(`uploads/${id}`);
  }

  async deleteUpload(id: string): Promise<void> {
    await this.driver.delete(`uploads/${id}`);
  }

  /** Upload ids present in storage (to sweep ones metadata no longer knows). */
  async listUploadIds(): Promise<string[]> {
    return (await this.driver.list('uploads')).map((path) => path.slice('uploads/'.length));
  }
}

/** pipeline(source, sink), except that when the sink fails the source is unpiped, not destroyed (SourceHandling.drainedByOwner). */
async function pipeInto(source: Readable, sink: Writable): Promise<void> {
  const ended = finished(source).catch((err: unknown) => {
    sink.destroy(err as Error);
    throw err;
  });
  source.pipe(sink);
  try {
    await finished(sink);
  } catch (err) {
    source.unpipe(sink);
    ended.catch(() => undefined);
    throw err;
  }
  await ended;
}
