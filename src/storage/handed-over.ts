import type { Readable } from 'node:stream';

/**
 * A stream whose chunks pass to the consumer outright: each is a fresh allocation that nothing
 * else references, so the consumer may free it (releaseBuffer) as soon as it is done with it
 * instead of leaving it to the garbage collector. Consumers that do not (any generic one) lose
 * nothing: the collector frees the chunks as usual.
 */
export interface HandingOverReadable extends Readable {
  readonly handsOverChunks: true;
}

export function handsOverChunks(stream: Readable): stream is HandingOverReadable {
  return (stream as Partial<HandingOverReadable>).handsOverChunks === true;
}
