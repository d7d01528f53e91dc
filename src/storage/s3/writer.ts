import { finished } from 'node:stream/promises';
import { Writable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { FileWriter } from '../driver.js';
import { releaseBuffer } from '../release-buffer.js';
import { copySource } from './copy.js';
import { abortUploads, deleteKeys, deleteUnder } from './listing.js';
import { LAYOUT_META, type Layout, SEGMENTED } from './layout.js';

/**
 * Where a writer's bytes go (see layout.ts).
 * - create: the object at `key` itself, written whole (a writer that does not append).
 * - append: a new segment at `start`. When the object's last segment (or its plain base) is below
 *   MIN_PART, `start` is that segment's start and its bytes (`merge`) lead the new segment, which
 *   replaces it under the same key. `convert` (the object was plain or absent): once the segments
 *   are complete, the marker replaces the plain object, a base of MIN_PART or more having first
 *   been copied to segment 0 (`copyBase`).
 */
export type WritePlan =
  | { kind: 'create'; key: string }
  | {
      kind: 'append';
      key: string;
      baseSize: number;
      start: number;
      merge?: string;
      convert: boolean;
      copyBase: boolean;
      /** Segment keys outside the object (stale) to remove before writing. */
      stale: string[];
    };

export interface WriterSettings {
  partSize: number;
  /** Parts per segment before it is completed and the next one begun (S3 allows 10,000). */
  partsPerSegment: number;
  /** Parts uploading while the next one fills. */
  partsInFlight: number;
  handOver: boolean;
  /** Removes the object entirely (cancel). */
  remove(): Promise<void>;
}

interface Part {
  PartNumber: number;
  ETag: string;
}

/** The multipart upload (or single PUT) being written: a segment, or the whole object. */
interface Target {
  key: string;
  /** Logical offset of its first byte (append). */
  start: number;
  bytes: number;
  uploadId?: Promise<string>;
  parts: Part[];
}

/**
 * A FileWriter over S3. Bytes are copied into part buffers (the caller's chunks are freed at once
 * when handed over); a full part is uploaded while the next fills, at most `partsInFlight` at a
 * time, so a writer holds (partsInFlight + 1) × partSize of memory whatever the object's size.
 * Nothing becomes visible until close/commit completes the upload: a writer that is dropped
 * (its node died, its stream destroyed) leaves the object exactly as it was, and the next writer
 * to append aborts its orphaned parts.
 */
export class S3Writer implements FileWriter {
  readonly stream: Writable;
  private accepted = 0;
  private buffer: Buffer | undefined;
  private filled = 0;
  private readonly spare: Buffer[] = [];
  private target: Target;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  private prepared: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private done = false;

  constructor(
    private readonly layout: Layout,
    private readonly plan: WritePlan,
    private readonly settings: WriterSettings,
  ) {
    this.target = this.newTarget(plan.kind === 'create' ? 0 : plan.start);
    this.stream = new Writable({
      highWaterMark: settings.partSize,
      write: (chunk: Buffer, _encoding, callback) => this.track(this.accept([chunk]), callback),
      writev: (chunks, callback) => this.track(this.accept(chunks.map((c) => c.chunk as Buffer)), callback),
    });
  }

  get size(): number {
    return (this.plan.kind === 'append' ? this.plan.baseSize : 0) + this.accepted;
  }

  private track(work: Promise<void>, callback: (err?: Error | null) => void): void {
    this.writing = work.catch(() => undefined);
    work.then(() => callback(), (err: Error) => callback(err));
  }

  private async accept(chunks: Buffer[]): Promise<void> {
    if (this.failure) throw this.failure as Error;
    await (this.prepared ??= this.prepare());
    for (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.length) {
        this.buffer ??= this.spare.pop() ?? Buffer.allocUnsafeSlow(this.settings.partSize);
        const n = chunk.copy(this.buffer, this.filled, offset);
        this.filled += n;
        offset += n;
        if (this.filled === this.settings.partSize) await this.shipPart();
      }
      this.accepted += chunk.length;
      if (this.settings.handOver) releaseBuffer(chunk);
    }
  }

  /** Before the first byte of an append: fence off older writers, drop stale segments, load the bytes to merge. */
  private async prepare(): Promise<void> {
    const plan = this.plan;
    if (plan.kind !== 'append') return;
    const { client, bucket } = this.layout;
    const segments = this.layout.segmentPrefix(plan.key);
    await abortUploads(client, bucket, segments, () => true);
    await deleteKeys(client, bucket, plan.stale);
    if (plan.copyBase) {
      await client.send(
        new CopyObjectCommand({ Bucket: bucket, Key: this.layout.segmentKey(plan.key, 0), CopySource: copySource(bucket, plan.key) }),
      );
    }
    if (plan.merge) {
      const bytes = await this.layout.bytes(plan.merge);
      if (bytes.length !== plan.baseSize - plan.start) {
        throw new Error(`S3 storage: ${plan.merge} changed while ${plan.key} was being appended to`);
      }
      this.buffer = Buffer.allocUnsafeSlow(this.settings.partSize);
      bytes.copy(this.buffer);
      this.filled = bytes.length;
    }
  }

  private newTarget(start: number): Target {
    const key = this.plan.kind === 'create' ? this.plan.key : this.layout.segmentKey(this.plan.key, start);
    return { key, start, bytes: 0, parts: [] };
  }

  /** Uploads the full buffer as the next part, waiting for a free slot first (backpressure). */
  private async shipPart(): Promise<void> {
    while (this.inFlight.size >= this.settings.partsInFlight) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure as Error;
    const buffer = this.buffer!;
    const body = buffer.subarray(0, this.filled);
    this.buffer = undefined;
    this.filled = 0;
    const target = this.target;
    target.bytes += body.length;
    const number = target.parts.length + 1;
    target.parts.push({ PartNumber: number, ETag: '' });
    const { client, bucket } = this.layout;
    target.uploadId ??= client
      .send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: target.key }))
      .then((created) => created.UploadId!);
    const upload = target.uploadId
      .then((UploadId) =>
        client.send(new UploadPartCommand({ Bucket: bucket, Key: target.key, UploadId, PartNumber: number, Body: body, ContentLength: body.length })),
      )
      .then(
        (result) => {
          target.parts[number - 1]!.ETag = result.ETag ?? '';
          this.spare.push(buffer);
        },
        (err: unknown) => {
          this.failure ??= err;
        },
      )
      .finally(() => this.inFlight.delete(upload));
    this.inFlight.add(upload);
    if (number === this.settings.partsPerSegment) {
      if (this.plan.kind === 'create') {
        this.failure ??= new Error(`S3 storage: ${target.key} exceeds ${number} parts of ${this.settings.partSize} bytes`);
        throw this.failure as Error;
      }
      await this.completeTarget();
      this.target = this.newTarget(target.start + target.bytes);
    }
  }

  /** Completes the current target: a single PUT when it never filled a part, else the multipart upload. */
  private async completeTarget(): Promise<void> {
    const target = this.target;
    const { client, bucket } = this.layout;
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure as Error;
    const tail = this.buffer?.subarray(0, this.filled);
    if (!target.uploadId) {
      if (!tail || tail.length === 0) return;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: target.key, Body: tail, ContentLength: tail.length }));
      target.bytes += tail.length;
      return;
    }
    const UploadId = await target.uploadId;
    if (tail && tail.length > 0) {
      const number = target.parts.length + 1;
      const result = await client.send(
        new UploadPartCommand({ Bucket: bucket, Key: target.key, UploadId, PartNumber: number, Body: tail, ContentLength: tail.length }),
      );
      target.parts.push({ PartNumber: number, ETag: result.ETag ?? '' });
      target.bytes += tail.length;
    }
    // RGW 16 answers an empty ETag here; nothing depends on it.
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: target.key, UploadId, MultipartUpload: { Parts: target.parts } }),
    );
  }

  private async settle(): Promise<void> {
    if (!this.stream.destroyed && !this.stream.writableEnded) this.stream.end();
    await finished(this.stream).catch(() => undefined);
    await this.writing;
    await Promise.allSettled([...this.inFlight]);
  }

  async commit(): Promise<void> {
    await this.close();
  }

  /** Completes what was written (a client that went away mid-upload keeps every byte accepted). */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.settle();
      if (this.accepted === 0) return;
      if (this.failure) throw this.failure as Error;
      await this.completeTarget();
      const plan = this.plan;
      if (plan.kind === 'append' && plan.convert) {
        const { client, bucket } = this.layout;
        await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: plan.key, Body: Buffer.alloc(0), ContentLength: 0, Metadata: { [LAYOUT_META]: SEGMENTED } }),
        );
      }
      if (plan.kind === 'create') {
        // A segmented object this one replaced leaves its segments: remove them.
        await deleteUnder(this.layout.client, this.layout.bucket, this.layout.segmentPrefix(plan.key));
      }
    } catch (err) {
      await this.abortTarget();
      throw err;
    } finally {
      this.freeBuffers();
    }
  }

  async cancel(): Promise<void> {
    this.done = true;
    this.stream.destroy();
    await this.settle();
    await this.abortTarget();
    this.freeBuffers();
    await this.settings.remove();
  }

  private async abortTarget(): Promise<void> {
    const uploadId = await this.target.uploadId?.catch(() => undefined);
    if (!uploadId) return;
    const { client, bucket } = this.layout;
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: this.target.key, UploadId: uploadId })).catch(() => undefined);
  }

  private freeBuffers(): void {
    for (const buffer of this.spare.splice(0)) releaseBuffer(buffer);
    if (this.buffer) releaseBuffer(this.buffer);
    this.buffer = undefined;
  }
}
