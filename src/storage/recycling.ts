import type { Readable } from 'node:stream';

/**
 * A stream whose chunks a consumer may hand back, once it holds no reference to them anywhere, so
 * the stream reads into that memory again instead of allocating more. Consumers that never hand
 * chunks back (any generic one) lose nothing: the stream then allocates as a plain one does.
 */
export interface RecyclingReadable extends Readable {
  recycle(chunk: Buffer): void;
}

export function isRecycling(stream: Readable): stream is RecyclingReadable {
  return typeof (stream as Partial<RecyclingReadable>).recycle === 'function';
}
