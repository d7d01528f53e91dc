import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { RecyclingReadable } from '../recycling.js';

/** Chunks a consumer gave back, kept for the next reads (more would only sit idle). */
const MAX_SPARE = 4;

/**
 * A byte range of an open file as a stream of `chunkSize` chunks (fs.ReadStream's job) whose
 * chunks can be recycled.
 *
 * Why: each fresh 1 MiB chunk is V8 external memory, freed only by garbage collection. A 1 GiB
 * pull allocates 1 GiB of it, and when V8's background sweeping falls behind, as it does on a busy
 * machine, every further 64 MB forces a full mark-compact: ~35 per GiB pulled, which doubled a
 * pull's CPU and halved its rate in `npm run bench`. The blob GET handler recycles each chunk once
 * the socket has taken it, so a pull reuses a handful of buffers.
 */
export class FileSource extends Readable implements RecyclingReadable {
  private readonly spare: Buffer[] = [];

  constructor(
    private readonly handle: FileHandle,
    private position: number,
    private remaining: number,
    private readonly chunkSize: number,
  ) {
    super({ highWaterMark: chunkSize });
  }

  override _read(): void {
    if (this.remaining <= 0) {
      this.push(null);
      return;
    }
    const buffer = this.spare.pop() ?? Buffer.allocUnsafeSlow(this.chunkSize);
    this.handle.read(buffer, 0, Math.min(this.chunkSize, this.remaining), this.position).then(
      ({ bytesRead }) => {
        if (bytesRead === 0) {
          // The file is shorter than the range asked for: end instead of reading nothing forever.
          this.push(null);
          return;
        }
        this.position += bytesRead;
        this.remaining -= bytesRead;
        this.push(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      },
      (err: Error) => this.destroy(err),
    );
  }

  recycle(chunk: Buffer): void {
    // Only whole buffers this stream allocated (a chunk is never a slice of a shared pool here).
    if (this.spare.length < MAX_SPARE && chunk.byteOffset === 0 && chunk.buffer.byteLength === this.chunkSize && !this.destroyed) {
      this.spare.push(Buffer.from(chunk.buffer, 0, this.chunkSize));
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.spare.length = 0;
    this.handle.close().then(
      () => callback(error),
      (closeError: Error) => callback(error ?? closeError),
    );
  }
}
