import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { assertValidPath } from '../driver.js';
import { isNotFound } from './client.js';
import { listObjects } from './listing.js';

/**
 * How the driver lays objects out in the bucket.
 *
 * A path is the key `<prefix>/<path>`. An object written whole (putContent, a writer that does not
 * append, a move's destination) is a plain S3 object there: blobs are always plain objects.
 *
 * An object that has been appended to is *segmented*: an empty marker object at its key (user
 * metadata `berth-layout: segments`) and its bytes in segment objects beside it,
 * `<key>/~segments/<start offset, 16 digits>`. Each writer's bytes form one segment, streamed as
 * a multipart upload at the segment's key and completed when the writer closes, so a segment
 * appears whole or not at all. The object is the contiguous run of segments from offset 0.
 * Segments other than the last are at least MIN_PART bytes (a smaller last one is merged into the
 * next writer's segment, which replaces it under the same key), so they can be composed into one
 * object with a multipart copy. All state lives in the bucket: any node can append, read or move
 * the object next.
 */
export const SEGMENTS = '~segments';
export const LAYOUT_META = 'berth-layout';
export const SEGMENTED = 'segments';
/** S3's smallest part (other than the last) in a multipart upload. */
export const MIN_PART = 5 * 1024 * 1024;

const START_DIGITS = 16;
const START_NAME = new RegExp(`^\\d{${START_DIGITS}}$`);

export interface Segment {
  key: string;
  start: number;
  size: number;
  modTime: Date;
}

export interface Chain {
  segments: Segment[];
  size: number;
  modTime: Date | undefined;
  /** Segment keys that are not part of the run from 0 (left by writers that raced or died). */
  stale: string[];
}

/** What HEAD says about the object at a key. */
export interface Head {
  size: number;
  modTime: Date;
  segmented: boolean;
}

export class Layout {
  private readonly base: string;

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    prefix = '',
  ) {
    this.base = prefix === '' ? '' : `${prefix}/`;
  }

  /** The key of a driver path; rejects malformed paths and the reserved segment directory. */
  key(path: string): string {
    assertValidPath(path);
    if (path.split('/').includes(SEGMENTS)) throw new Error(`invalid storage path "${path}"`);
    return this.base + path;
  }

  /** The driver path of a key under the prefix. */
  path(key: string): string {
    return key.slice(this.base.length);
  }

  segmentPrefix(key: string): string {
    return `${key}/${SEGMENTS}/`;
  }

  segmentKey(key: string, start: number): string {
    return this.segmentPrefix(key) + String(start).padStart(START_DIGITS, '0');
  }

  /** Whether a listed key belongs to some object's segments (never shown as an object itself). */
  isSegmentKey(key: string): boolean {
    return key.includes(`/${SEGMENTS}/`);
  }

  async head(key: string): Promise<Head | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: head.ContentLength ?? 0,
        modTime: head.LastModified ?? new Date(0),
        segmented: head.Metadata?.[LAYOUT_META] === SEGMENTED,
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** The segments of a segmented object, listed in pages. */
  async chain(key: string): Promise<Chain> {
    const prefix = this.segmentPrefix(key);
    const found: Segment[] = [];
    const stale: string[] = [];
    for await (const object of listObjects(this.client, this.bucket, prefix)) {
      const name = object.Key!.slice(prefix.length);
      if (!START_NAME.test(name)) {
        stale.push(object.Key!);
        continue;
      }
      found.push({ key: object.Key!, start: Number(name), size: object.Size ?? 0, modTime: object.LastModified ?? new Date(0) });
    }
    // Zero-padded names list in offset order already; sort anyway, S3 promises only UTF-8 binary order.
    found.sort((a, b) => a.start - b.start);
    const segments: Segment[] = [];
    let size = 0;
    let modTime: Date | undefined;
    let broken = false;
    for (const segment of found) {
      if (broken || segment.start !== size || segment.size === 0) {
        // Past a gap (or an overlap) nothing belongs to the object any more.
        broken ||= segment.start !== size;
        stale.push(segment.key);
        continue;
      }
      segments.push(segment);
      size += segment.size;
      if (!modTime || segment.modTime > modTime) modTime = segment.modTime;
    }
    return { segments, size, modTime, stale };
  }

  /** A small object's bytes (a tail segment to merge, a base below MIN_PART). */
  async bytes(key: string): Promise<Buffer> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }
}
