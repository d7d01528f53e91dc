/**
 * Reads an ECR API request body with a size bound, hashing it on the way (SigV4 signs the
 * payload's SHA-256). A declared Content-Length over the bound is refused before reading; a body
 * that grows past it is refused as soon as it does. The rest of an oversized body is left to drain
 * so the client still receives the 413 answer.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { EcrApiError } from './errors.js';

export interface RequestBody {
  raw: Buffer;
  /** Lower-case hex SHA-256 of the raw bytes, for the SigV4 canonical request. */
  sha256: string;
}

export function tooLarge(limit: number): EcrApiError {
  return new EcrApiError('RequestEntityTooLargeException', `Request body exceeds the limit of ${limit} bytes`);
}

export function readBody(stream: Readable, limit: number, declaredLength: string | undefined): Promise<RequestBody> {
  const declared = declaredLength === undefined ? undefined : Number(declaredLength);
  if (declared !== undefined && declared > limit) return Promise.reject(tooLarge(limit));

  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
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
        cleanup();
        reject(tooLarge(limit));
        return;
      }
      hash.update(bytes);
      chunks.push(bytes);
    }
    function onEnd(): void {
      cleanup();
      if (declared !== undefined && !Number.isNaN(declared) && declared !== received) {
        reject(new EcrApiError('SerializationException', 'Request body length does not match Content-Length'));
        return;
      }
      resolve({ raw: Buffer.concat(chunks, received), sha256: hash.digest('hex') });
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

/** SHA-256 of an empty payload (requests that carry no body at all). */
export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
