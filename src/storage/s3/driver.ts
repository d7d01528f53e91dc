import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type FileInfo, type FileWriter, PathNotFoundError, ShortReadError, type StorageDriver, type WriterOptions } from '../driver.js';
import { checkBucket, createS3Client, isInvalidRange, isNotFound } from './client.js';
import type { S3Config } from './config-schema.js';
import { compose } from './copy.js';
import { type Head, LAYOUT_META, Layout, MIN_PART, SEGMENTED, SEGMENTS } from './layout.js';
import { abortUploads, deleteKeys, deleteUnder, listObjects, listPages } from './listing.js';
import { rangeHeader, segmentsReader } from './reader.js';
import { S3Writer, type WritePlan } from './writer.js';

export interface S3DriverOptions {
  client: S3Client;
  bucket: string;
  /** Keys go under `<prefix>/`. */
  prefix?: string;
  /** Offer presigned URLs (redirectURL); off, clients are never sent to the bucket. */
  redirect?: boolean;
  partSize?: number;
  /** Parts per segment (S3's limit, 10,000, by default; tests lower it to exercise several segments). */
  partsPerSegment?: number;
  partsInFlight?: number;
  /** What the start check names in its errors. */
  endpoint?: string;
  region?: string;
}

const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

/**
 * The storage driver over an S3-compatible bucket, for deployments where several nodes share the
 * blobs. Layout and the append design: layout.ts; writes: writer.ts. Nothing is held between calls,
 * so any node (any driver instance) continues what another began.
 */
export class S3Driver implements StorageDriver {
  readonly name = 's3';
  readonly shared = true;
  readonly layout: Layout;

  constructor(private readonly options: S3DriverOptions) {
    this.layout = new Layout(options.client, options.bucket, options.prefix);
  }

  static fromConfig(config: S3Config): S3Driver {
    return new S3Driver({
      client: createS3Client(config),
      bucket: config.bucket,
      prefix: config.prefix,
      redirect: config.redirect,
      partSize: config.partSizeBytes,
      endpoint: config.endpoint,
      region: config.region,
    });
  }

  private get client(): S3Client {
    return this.options.client;
  }

  private get bucket(): string {
    return this.options.bucket;
  }

  /** At start: the bucket exists and the credentials may use it (else a message naming both). */
  async check(): Promise<void> {
    await checkBucket(this.client, this.options);
  }

  async getContent(path: string): Promise<Buffer> {
    const stream = await this.reader(path);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async putContent(path: string, content: Buffer): Promise<void> {
    const key = this.layout.key(path);
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: content, ContentLength: content.length }));
  }

  async reader(path: string, range?: { offset: number; length?: number }): Promise<Readable> {
    const key = this.layout.key(path);
    const offset = range?.offset ?? 0;
    const length = range?.length;
    if (length === 0) {
      if (!(await this.layout.head(key))) throw new PathNotFoundError(path);
      return Readable.from([]);
    }
    // One request for a plain object (every blob); a segmented one answers with its empty marker.
    let body: Readable;
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: rangeHeader(offset, length) }));
      body = object.Body as Readable;
      if (object.Metadata?.[LAYOUT_META] !== SEGMENTED) {
        // S3 answers a range past the end with what there is: the contract wants ShortReadError.
        const size = object.ContentLength ?? 0;
        if (length !== undefined && size < length) {
          body.destroy();
          throw new ShortReadError(path, offset + length, offset + size);
        }
        return body;
      }
      body.destroy();
    } catch (err) {
      if (isNotFound(err)) throw new PathNotFoundError(path);
      // A range from the end (or past it) of a plain object, or any range of an empty marker.
      if (!isInvalidRange(err)) throw err;
      const head = await this.layout.head(key);
      if (!head) throw new PathNotFoundError(path);
      if (!head.segmented) {
        if (length !== undefined) throw new ShortReadError(path, offset + length, head.size);
        if (offset >= head.size) return Readable.from([]);
        throw err;
      }
    }
    const chain = await this.layout.chain(key);
    const available = Math.max(0, chain.size - offset);
    if (length !== undefined && available < length) throw new ShortReadError(path, offset + length, chain.size);
    return segmentsReader(this.client, this.bucket, chain.segments, offset, length ?? available);
  }

  async writer(path: string, options?: WriterOptions): Promise<FileWriter> {
    const key = this.layout.key(path);
    const plan = options?.append ? await this.appendPlan(key) : ({ kind: 'create', key } as const);
    return new S3Writer(this.layout, plan, {
      partSize: this.options.partSize ?? DEFAULT_PART_SIZE,
      partsPerSegment: this.options.partsPerSegment ?? 10_000,
      partsInFlight: this.options.partsInFlight ?? 2,
      handOver: options?.handOver ?? false,
      remove: () => this.deleteKey(key),
    });
  }

  /** Where an append goes, from what is in the bucket now (any node may have written it). */
  private async appendPlan(key: string): Promise<WritePlan> {
    const [head, chain] = await Promise.all([this.layout.head(key), this.layout.chain(key)]);
    if (!head?.segmented) {
      // Plain (or absent): becomes segmented. Segments found are left from an earlier life of the path.
      const stale = [...chain.segments.map((s) => s.key), ...chain.stale];
      const baseSize = head?.size ?? 0;
      const small = baseSize > 0 && baseSize < MIN_PART;
      return { kind: 'append', key, baseSize, start: small ? 0 : baseSize, merge: small ? key : undefined, convert: true, copyBase: baseSize >= MIN_PART, stale };
    }
    const last = chain.segments.at(-1);
    const small = last !== undefined && last.size < MIN_PART;
    return {
      kind: 'append',
      key,
      baseSize: chain.size,
      start: small ? last.start : chain.size,
      merge: small ? last.key : undefined,
      convert: false,
      copyBase: false,
      stale: chain.stale,
    };
  }

  async stat(path: string): Promise<FileInfo | undefined> {
    const key = this.layout.key(path);
    const head = await this.layout.head(key);
    if (head) return { path, ...(await this.sizeOf(key, head)), isDir: false };
    // A directory-like prefix, as the filesystem driver reports directories.
    for await (const page of listPages(this.client, this.bucket, `${key}/`, { maxKeys: 1 })) {
      const first = page.objects[0];
      return first ? { path, size: 0, modTime: first.LastModified ?? new Date(0), isDir: true } : undefined;
    }
    return undefined;
  }

  private async sizeOf(key: string, head: Head): Promise<{ size: number; modTime: Date }> {
    if (!head.segmented) return { size: head.size, modTime: head.modTime };
    const chain = await this.layout.chain(key);
    return { size: chain.size, modTime: chain.modTime ?? head.modTime };
  }

  async list(path: string): Promise<string[]> {
    const prefix = `${this.layout.key(path)}/`;
    const names = new Set<string>();
    for await (const page of listPages(this.client, this.bucket, prefix, { delimiter: '/' })) {
      for (const object of page.objects) names.add(object.Key!.slice(prefix.length));
      // A segmented object shows both as a key and as the prefix of its segments.
      for (const sub of page.prefixes) names.add(sub.slice(prefix.length, -1));
    }
    return [...names]
      .filter((name) => name !== '' && name !== SEGMENTS)
      .sort()
      .map((name) => `${path}/${name}`);
  }

  async *walk(path: string): AsyncIterable<FileInfo> {
    for await (const object of listObjects(this.client, this.bucket, `${this.layout.key(path)}/`)) {
      const key = object.Key!;
      if (this.layout.isSegmentKey(key)) continue;
      let size = object.Size ?? 0;
      let modTime = object.LastModified ?? new Date(0);
      // Markers are empty: only an empty object may stand for a segmented one.
      if (size === 0) {
        const head = await this.layout.head(key);
        if (!head) continue;
        ({ size, modTime } = await this.sizeOf(key, head));
      }
      yield { path: this.layout.path(key), size, modTime, isDir: false };
    }
  }

  /**
   * Server-side: CopyObject (a multipart copy past 5 GiB, or to join a segmented object's
   * segments), then the source goes. On Ceph RGW a CopyObject within a bucket shares the source's
   * data (reference counts) rather than copying it.
   */
  async move(source: string, destination: string): Promise<void> {
    const from = this.layout.key(source);
    const to = this.layout.key(destination);
    const head = await this.layout.head(from);
    if (!head) throw new PathNotFoundError(source);
    if (!head.segmented) {
      await compose(this.client, this.bucket, [{ key: from, size: head.size }], to, this.layout.segmentPrefix(from));
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: from }));
      return;
    }
    const chain = await this.layout.chain(from);
    await compose(this.client, this.bucket, chain.segments, to, this.layout.segmentPrefix(from));
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: from }));
    await deleteKeys(this.client, this.bucket, [...chain.segments.map((s) => s.key), ...chain.stale]);
  }

  async delete(path: string): Promise<void> {
    await this.deleteKey(this.layout.key(path));
  }

  /** The object, everything under it as a prefix, and multipart uploads left in progress there. */
  private async deleteKey(key: string): Promise<void> {
    await Promise.all([
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
      deleteUnder(this.client, this.bucket, `${key}/`),
      abortUploads(this.client, this.bucket, key, (k) => k === key || k.startsWith(`${key}/`)),
    ]);
  }

  async redirectURL(path: string, options: { expiresInSeconds: number }): Promise<string | undefined> {
    if (!this.options.redirect) return undefined;
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.layout.key(path) });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
  }
}
