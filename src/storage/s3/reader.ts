import { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Segment } from './layout.js';

/** The Range header for `length` bytes from `offset` (to the end without a length); none for the whole object. */
export function rangeHeader(offset: number, length?: number): string | undefined {
  if (offset === 0 && length === undefined) return undefined;
  return `bytes=${offset}-${length === undefined ? '' : offset + length - 1}`;
}

/** A byte range (length > 0) of an object, as one GetObject. */
async function getRange(client: S3Client, bucket: string, key: string, offset: number, length: number): Promise<Readable> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: rangeHeader(offset, length) }));
  return object.Body as Readable;
}

/**
 * `length` bytes from `offset` of a segmented object, read segment after segment (one ranged GET
 * at a time, so memory stays that of one response's buffers). Destroying the stream ends the GET
 * in progress.
 */
export function segmentsReader(client: S3Client, bucket: string, segments: Segment[], offset: number, length: number): Readable {
  async function* bytes(): AsyncIterable<Buffer> {
    const end = offset + length;
    for (const segment of segments) {
      const from = Math.max(offset, segment.start);
      const to = Math.min(end, segment.start + segment.size);
      if (from >= to) continue;
      const body = await getRange(client, bucket, segment.key, from - segment.start, to - from);
      try {
        for await (const chunk of body) yield chunk as Buffer;
      } finally {
        body.destroy();
      }
    }
  }
  return Readable.from(bytes(), { objectMode: false });
}
