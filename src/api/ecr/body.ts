/**
 * An ECR API request body, read once the headers authenticated the caller: with the operation's
 * size bound, at a minimum pace, and hashed on the way (SigV4 signs the payload's SHA-256). While
 * the body is what still has to prove the signature (AWS CLI requests), its bytes count against a
 * budget shared by all such requests. Refusals in AWS's vocabulary.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type BodyPace, readBody as readBoundedBody } from '../http/body.js';
import type { ByteClaim } from '../http/byte-budget.js';
import { EcrApiError } from './errors.js';

export interface RequestBody {
  raw: Buffer;
  /** Lower-case hex SHA-256 of the raw bytes, for the SigV4 canonical request. */
  sha256: string;
}

export interface BodyReading {
  /** The most bytes accepted (the operation's limit, limits.ts). */
  limit: number;
  /** The Content-Length header, if sent. */
  declaredLength: string | undefined;
  pace: BodyPace;
  /** The claim on the unverified-bytes budget, while the signature depends on the body. */
  claim?: ByteClaim;
}

export async function readBody(stream: Readable, reading: BodyReading): Promise<RequestBody> {
  const { limit, pace, claim } = reading;
  const hash = createHash('sha256');
  const raw = await readBoundedBody(stream, {
    limit,
    tooLarge: () => new EcrApiError('RequestEntityTooLargeException', `Request body exceeds the limit of ${limit} bytes`),
    hash,
    declared: {
      length: reading.declaredLength,
      lengthMismatch: () => new EcrApiError('SerializationException', 'Request body length does not match Content-Length'),
    },
    admit: claim ? (bytes) => (claim.cover(bytes) ? undefined : busy()) : undefined,
    pace: {
      ...pace,
      tooSlow: () =>
        new EcrApiError(
          'RequestTimeoutException',
          `Request body did not arrive at the minimum rate of ${pace.minBytesPerSecond} bytes per second after the first ${pace.graceMs / 1000} seconds`,
        ),
    },
  });
  return { raw, sha256: hash.digest('hex') };
}

function busy(): EcrApiError {
  return new EcrApiError('ServiceUnavailableException', 'Too many request bodies are waiting for their signature to be verified; retry later');
}
