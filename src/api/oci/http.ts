import type { Readable } from 'node:stream';
import { DomainError } from '../../domain/errors.js';
import type { ChunkRange } from '../../registry/uploads.js';

/** Parses `Content-Range: <start>-<end>` (the spec's form; a "bytes " or "bytes=" prefix is tolerated). */
export function parseContentRange(header: string | undefined): ChunkRange | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!match) throw new DomainError('RangeNotSatisfiable', `malformed Content-Range "${header.slice(0, 100)}"`);
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start) throw new DomainError('RangeNotSatisfiable', `Content-Range ${start}-${end} ends before it starts`);
  return { start, end };
}

export type RangeRequest = { start: number; end: number } | 'unsatisfiable' | undefined;

/** Parses a single-range `Range: bytes=a-b | a- | -n` against a blob size. Multi-range requests get the whole blob. */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return header.includes(',') ? undefined : 'unsatisfiable';
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** Media types named in an Accept header (one or several headers, comma-separated; parameters dropped). */
export function parseAccept(header: string | string[] | undefined): string[] {
  if (!header) return [];
  const values = Array.isArray(header) ? header : [header];
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.split(';')[0]!.trim().toLowerCase())
    .filter((v) => v.length > 0);
}

/** Reads a request body into memory, refusing more than `limit` bytes (for manifests only). */
export async function readBody(stream: Readable, limit: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      stream.resume();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
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
