/**
 * Reads a request body into memory with a size bound, optionally hashing it on the way (SigV4
 * signs the payload's SHA-256). A declared Content-Length over the bound is refused before
 * reading; a body that grows past it is refused as soon as it does, and the rest of it is left to
 * drain so the client still receives the error answer on a connection it can keep using.
 */
import type { Hash } from 'node:crypto';
import type { Readable } from 'node:stream';

export interface BodyReadOptions {
  /** The most bytes accepted. */
  limit: number;
  /** The error for a body over the limit. */
  tooLarge: () => Error;
  /** Fed every byte read (the caller digests it). */
  hash?: Hash;
  /**
   * The request's Content-Length header, if the caller checks it: over `limit` is refused before a
   * byte is read, and a body of another length with `lengthMismatch()` once it ended.
   */
  declared?: { length: string | undefined; lengthMismatch: () => Error };
}

export function readBody(stream: Readable, options: BodyReadOptions): Promise<Buffer> {
  const { limit, tooLarge, hash } = options;
  const declared = options.declared?.length === undefined ? undefined : Number(options.declared.length);
  if (declared !== undefined && declared > limit) return Promise.reject(tooLarge());

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;

    const cleanup = (): void => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
    };
    function onData(chunk: Buffer | string): void {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += bytes.length;
      if (received > limit) {
        // Still flowing without a listener: the rest is read and dropped.
        cleanup();
        reject(tooLarge());
        return;
      }
      hash?.update(bytes);
      chunks.push(bytes);
    }
    function onEnd(): void {
      cleanup();
      if (declared !== undefined && !Number.isNaN(declared) && declared !== received) {
        reject(options.declared!.lengthMismatch());
        return;
      }
      resolve(Buffer.concat(chunks, received));
    }
    function onError(err: Error): void {
      cleanup();
      reject(err);
    }

    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}
