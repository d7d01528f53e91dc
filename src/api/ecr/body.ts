/**
 * An ECR API request body: read with the operation's size bound (api/http/body.ts) and hashed on
 * the way, since SigV4 signs the payload's SHA-256; refusals in AWS's vocabulary.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { readBody as readBoundedBody } from '../http/body.js';
import { EcrApiError } from './errors.js';

export interface RequestBody {
  raw: Buffer;
  /** Lower-case hex SHA-256 of the raw bytes, for the SigV4 canonical request. */
  sha256: string;
}

function tooLarge(limit: number): EcrApiError {
  return new EcrApiError('RequestEntityTooLargeException', `Request body exceeds the limit of ${limit} bytes`);
}

export async function readBody(stream: Readable, limit: number, declaredLength: string | undefined): Promise<RequestBody> {
  const hash = createHash('sha256');
  const raw = await readBoundedBody(stream, {
    limit,
    tooLarge: () => tooLarge(limit),
    hash,
    declared: {
      length: declaredLength,
      lengthMismatch: () => new EcrApiError('SerializationException', 'Request body length does not match Content-Length'),
    },
  });
  return { raw, sha256: hash.digest('hex') };
}

/** SHA-256 of an empty payload (requests that carry no body at all). */
export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
