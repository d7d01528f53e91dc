import { MessageChannel, type MessagePort } from 'node:worker_threads';

// A port whose other end is gone: a message posted to it is dropped at once, and with it the
// memory of every ArrayBuffer it carried (transferred, so detached from the sender).
let closed: MessagePort | undefined;

/** Whether a chunk owns its whole ArrayBuffer (not a slice of a pool or of a larger buffer). */
export function ownsItsMemory(chunk: Buffer): boolean {
  return chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
}

/**
 * Frees chunks' memory now rather than at V8's next garbage collection, by detaching their
 * ArrayBuffers. Chunks that do not own their memory (ownsItsMemory) are left to the collector.
 * A released chunk reads as empty: the caller must be its last user.
 *
 * Why: a 1 GiB push arrives as ~17,000 fresh 64 KiB buffers (the HTTP parser copies each body
 * chunk), V8 frees them only when its collector runs, and between collections 35–45 MB of used
 * chunks stayed resident, a quarter of Berth's peak RSS during the push.
 */
export function releaseChunks(chunks: readonly ArrayBuffer[]): void {
  if (!closed) {
    const channel = new MessageChannel();
    channel.port2.close();
    closed = channel.port1;
  }
  try {
    closed.postMessage(null, chunks as ArrayBuffer[]);
  } catch {
    // One was not transferable (marked so by its owner): the garbage collector frees them as usual.
  }
}
