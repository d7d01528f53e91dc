import { Writable } from 'node:stream';
import type { StreamHash } from './hashing/off-thread-hasher.js';
import { ownsItsMemory, releaseChunks } from './release-chunk.js';

/**
 * The end of an upload's pipeline when the source's chunks are the consumer's to give away (an
 * HTTP request body: the parser copies each chunk for its one reader). Each chunk is written to
 * `file`, then handed to the hash, which moves it to the hashing worker without a copy and frees
 * it there; with no hash it is freed once written (releaseChunks says why that matters).
 *
 * Compared with hashing in a Transform before the file, the main thread copies nothing and runs
 * one stream stage less per chunk; the hash trails the file by what the file stream buffers.
 * Backpressure: a chunk is taken only when both the file stream and the hash have room.
 *
 * `file` is not ended here; its owner closes it. Once this stream has finished, every write has
 * completed and every chunk has reached the hash, in order.
 */
export class WriteThenHash extends Writable {
  private seen = 0;
  private pending = 0;
  private whenWritten?: (error?: Error | null) => void;

  constructor(
    private readonly file: Writable,
    private readonly hash: StreamHash | undefined,
    private readonly maxBytes: number | undefined,
    private readonly tooLarge: () => Error,
  ) {
    // No buffering here: the file stream's buffer is the one that counts.
    super({ highWaterMark: 0 });
    file.on('error', (err) => this.destroy(err));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.seen += chunk.length;
    if (this.maxBytes !== undefined && this.seen > this.maxBytes) {
      callback(this.tooLarge());
      return;
    }
    let room: Promise<void> | undefined;
    try {
      room = this.hash?.room();
    } catch (err) {
      callback(err as Error);
      return;
    }
    if (room) room.then(() => this.forward(chunk, callback), callback);
    else this.forward(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.pending === 0) callback();
    else this.whenWritten = callback;
  }

  private forward(chunk: Buffer, callback: (error?: Error | null) => void): void {
    this.pending++;
    const more = this.file.write(chunk, (err) => {
      this.pending--;
      if (!err && !this.destroyed) this.written(chunk);
      if (this.pending === 0 && this.whenWritten) this.whenWritten(err);
    });
    if (more) callback();
    else this.file.once('drain', () => callback());
  }

  private written(chunk: Buffer): void {
    try {
      if (this.hash) this.hash.consume(chunk);
      else if (ownsItsMemory(chunk)) releaseChunks([chunk.buffer as ArrayBuffer]);
    } catch (err) {
      // The hash failed (its worker stopped): the upload fails with that error.
      this.destroy(err as Error);
    }
  }
}
