/**
 * Pull-style reading over an async stream of Buffers: exact-size reads, skips and bounded
 * sub-streams, without concatenating more than a caller asks for.
 */
export class ChunkReader {
  private queue: Buffer[] = [];
  private head = 0; // offset into queue[0]
  private queued = 0;
  private ended = false;
  /** Bytes handed out or skipped so far (the offset in the stream). */
  position = 0;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Buffers until `n` bytes are available; false if the stream ends first. */
  async ensure(n: number): Promise<boolean> {
    while (this.queued < n) {
      if (this.ended) return false;
      const next = await this.source.next();
      if (next.done) {
        this.ended = true;
        return false;
      }
      if (next.value.length) {
        this.queue.push(next.value);
        this.queued += next.value.length;
      }
    }
    return true;
  }

  /** Takes exactly `n` buffered bytes (call `ensure(n)` first). */
  take(n: number): Buffer {
    const first = this.queue[0];
    if (first && first.length - this.head >= n) {
      const out = first.subarray(this.head, this.head + n);
      this.advance(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const piece = this.peekPiece(n - filled);
      piece.copy(out, filled);
      filled += piece.length;
      this.advance(piece.length);
    }
    return out;
  }

  /** Yields the next `n` bytes in pieces; returns the count actually available if the stream ends early. */
  async *pieces(n: number): AsyncGenerator<Buffer, number> {
    let left = n;
    while (left > 0) {
      if (this.queued === 0 && !(await this.ensure(1))) return n - left;
      const piece = this.peekPiece(left);
      this.advance(piece.length);
      left -= piece.length;
      yield piece;
    }
    return n;
  }

  /** Discards `n` bytes; returns how many could be discarded before the stream ended. */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      if (this.queued === 0 && !(await this.ensure(1))) break;
      const piece = this.peekPiece(left);
      this.advance(piece.length);
      left -= piece.length;
    }
    return n - left;
  }

  private peekPiece(max: number): Buffer {
    const first = this.queue[0]!;
    return first.subarray(this.head, this.head + Math.min(max, first.length - this.head));
  }

  private advance(n: number): void {
    this.head += n;
    this.queued -= n;
    this.position += n;
    while (this.queue.length && this.head >= this.queue[0]!.length) {
      this.head -= this.queue[0]!.length;
      this.queue.shift();
    }
  }
}
