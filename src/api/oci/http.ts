import { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { DomainError, rangeNotSatisfiable } from '../../domain/errors.js';
import type { ChunkRange } from '../../registry/uploads.js';
import type { SourceHandling } from '../../storage/blob-store.js';

/** Parses `Content-Range: <start>-<end>` (the spec's form; a "bytes " or "bytes=" prefix is tolerated). */
export function parseContentRange(header: string | undefined): ChunkRange | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  // Malformed is a bad request (400), as distribution answers; 416 is for a well-formed range in the wrong place.
  if (!match) throw new DomainError('BlobUploadInvalid', `malformed Content-Range "${header.slice(0, 100)}"`);
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start) throw rangeNotSatisfiable(`Content-Range ${start}-${end} ends before it starts`);
  return { start, end };
}

/**
 * Media types an Accept header allows (one or several headers, comma-separated). Parameters are
 * dropped, except that `q=0` excludes the type (RFC 9110). Undefined when there is no Accept
 * header, which allows anything; an empty list allows nothing.
 */
export function parseAccept(header: string | string[] | undefined): string[] | undefined {
  const values = (Array.isArray(header) ? header : [header ?? '']).flatMap((v) => v.split(',')).filter((v) => v.trim() !== '');
  if (values.length === 0) return undefined;
  return values
    .map((v) => v.split(';').map((part) => part.trim().toLowerCase()))
    .filter(([, ...params]) => !params.some((p) => /^q=0(?:\.0{0,3})?$/.test(p)))
    .map(([type]) => type!)
    .filter((type) => type.length > 0);
}

/** Parses the `n` query parameter: a non-negative integer, capped at `max`. */
export function parseLimit(value: string | null, fallback: number, max: number): number {
  if (value === null || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new DomainError('InvalidParameter', `n must be a non-negative integer, got "${value.slice(0, 50)}"`);
  return Math.min(Number(value), max);
}

/** Whether the request carries a body (a Content-Length above 0, or chunked transfer encoding). */
export function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return headers['transfer-encoding'] !== undefined;
}

/**
 * What storage may do with an upload's request body. Straight from Node's HTTP parser, its chunks
 * are fresh copies nobody else reads (storage may free each once written), and the connection must
 * outlive a failed upload (the error handler drains the body). An injected request (tests) is
 * neither: its chunks are the caller's buffers.
 */
export function uploadBodyHandling(body: Readable): SourceHandling {
  const parsed = body instanceof IncomingMessage;
  return { handOver: parsed, drainedByOwner: parsed };
}
