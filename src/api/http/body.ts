/**
 * Reads a request body into memory with a size bound, optionally hashing it on the way (SigV4
 * signs the payload's SHA-256), optionally at a minimum pace. A declared Content-Length over the
 * bound is refused before reading; a body that grows past it, or arrives too slowly, is refused as
 * soon as it does; the rest of it is then read and dropped, so the client still receives the error
 * answer on a connection it can keep using, unless the caller closes the connection after it.
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
  /**
   * Asked before the body is read with the bytes it declares (Content-Length, if any), then with
   * the total received each time a chunk arrives; an error returned refuses the body.
   */
  admit?: (bytes: number) => Error | undefined;
  /** The body must keep arriving (see BodyPace); else `tooSlow()` refuses it. */
  pace?: BodyPace & { tooSlow: () => Error };
}

/**
 * A minimum transfer rate: after `graceMs` from the start of the read, at least
 * `minBytesPerSecond` for every second since. A body that trickles (slow loris) or stalls is cut.
 */
export interface BodyPace {
  graceMs: number;
  minBytesPerSecond: number;
}

export function readBody(stream: Readable, options: BodyReadOptions): Promise<Buffer> {
  const { limit, tooLarge, hash, admit, pace } = options;
  const declaredRaw = options.declared?.length;
  const declared = declaredRaw === undefined ? undefined : Number(declaredRaw);
  if (declared !== undefined && declared > limit) return Promise.reject(tooLarge());
  const refused = admit?.(declared !== undefined && !Number.isNaN(declared) ? declared : 0);
  if (refused) return Promise.reject(refused);

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const started = Date.now();
    const pacer = pace && pace.minBytesPerSecond > 0 ? setInterval(checkPace, Math.min(1000, Math.max(50, pace.graceMs / 4))) : undefined;

    const cleanup = (): void => {
      if (pacer) clearInterval(pacer);
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      stream.removeListener('close', onClose);
    };
    const fail = (err: Error): void => {
      // Still flowing without a listener: whatever else arrives is dropped.
      cleanup();
      chunks.length = 0;
      reject(err);
    };
    function checkPace(): void {
      const due = ((Date.now() - started - pace!.graceMs) / 1000) * pace!.minBytesPerSecond;
      if (received < due) fail(pace!.tooSlow());
    }
    function onData(chunk: Buffer | string): void {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += bytes.length;
      if (received > limit) return fail(tooLarge());
      const refusal = admit?.(received);
      if (refusal) return fail(refusal);
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
      fail(err);
    }
    function onClose(): void {
      // Gone before the end without an error (Node reports an aborted request as ECONNRESET first).
      const err = Object.assign(new Error('request closed before its body ended'), { code: 'ECONNRESET' });
      fail(err);
    }

    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
    stream.resume();
  });
}
