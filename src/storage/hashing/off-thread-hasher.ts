import { createHash, type Hash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import type { DigestAlgorithm } from '../../domain/digest.js';
import { ownsItsMemory, releaseChunks } from '../release-chunk.js';
import { type HashChannel, HashThread, startHashWorker } from './hash-thread.js';

/** What a byte stream is fed to. A returned promise must settle before the next call. */
export interface StreamHash {
  /** Feeds a copy of `chunk` (taken before the returned promise settles). */
  update(chunk: Buffer): Promise<void> | undefined;
  /** Feeds `chunk` itself, which the hash may free: the caller must not touch it afterwards. */
  consume(chunk: Buffer): void;
  /** Settles once the hash can take more (consume never waits; callers wait here first). */
  room(): Promise<void> | undefined;
}

export interface OffThreadHashingOptions {
  /** Bytes per message to the worker (a slab of copies, or a batch of consumed chunks). */
  slabBytes?: number;
  /** Messages one hash may have at the worker before it waits (backpressure). */
  maxInFlight?: number;
  /** Inputs up to this size are hashed on the calling thread (see SMALL_INPUT_BYTES). */
  smallInputBytes?: number;
  startWorker?: () => Worker;
}

// 1 MiB per message: ~1000 messages per GiB at ~30 µs of main thread each (mostly waking the
// worker); 4 MiB messages measured no faster and held more memory. Three in flight let the worker
// hash while the main thread gathers the next, for at most ~4 MiB per upload at the worker.
const SLAB_BYTES = 1024 * 1024;
const MAX_IN_FLIGHT = 3;
// Measured here (2-core VM): hashing 64 KiB inline takes ~50 µs of main thread; handing it to the
// worker and awaiting the digest ~0.1 ms of main thread and ~0.4 ms of latency, and the first
// hand-off starts the worker (~60 ms). Up to this size inline is cheaper, and small blobs, chunks
// and configs never start the worker.
const SMALL_INPUT_BYTES = 64 * 1024;
/** Returned slabs kept for the next hashes; the rest are left to the garbage collector. */
const MAX_FREE_SLABS = 8;

/**
 * Hashes whose work runs on a worker thread, so hashing a large upload overlaps with reading its
 * socket and writing its file instead of taking a third of the main thread. One worker per
 * instance, started on first use, replaced after it stops. Bytes reach the worker without being
 * copied again: chunks the caller gives away (consume) are moved there and freed after hashing;
 * other bytes are copied into reusable slabs (ArrayBuffers moved to the worker and back), so the
 * steady state allocates nothing.
 */
export class OffThreadHashing {
  private thread?: HashThread;
  private readonly free: ArrayBuffer[] = [];
  readonly slabBytes: number;
  readonly maxInFlight: number;
  readonly smallInputBytes: number;
  private readonly startWorker: () => Worker;

  constructor(options: OffThreadHashingOptions = {}) {
    this.slabBytes = options.slabBytes ?? SLAB_BYTES;
    this.maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT;
    this.smallInputBytes = Math.min(options.smallInputBytes ?? SMALL_INPUT_BYTES, this.slabBytes);
    this.startWorker = options.startWorker ?? startHashWorker;
  }

  create(algorithm: DigestAlgorithm): OffThreadHash {
    return new OffThreadHash(algorithm, this);
  }

  /** Stops the worker; hashes living in it fail. The next hash that needs one starts a new worker. */
  async terminate(): Promise<void> {
    await this.thread?.terminate();
  }

  /** @internal */
  open(channel: HashChannel): { thread: HashThread; id: number } {
    if (!this.thread || this.thread.failure) {
      this.thread = new HashThread(this.startWorker(), (slab) => this.release(slab));
    }
    return { thread: this.thread, id: this.thread.open(channel) };
  }

  /** @internal */
  takeSlab(): Buffer {
    return Buffer.from(this.free.pop() ?? new ArrayBuffer(this.slabBytes));
  }

  /** @internal */
  release(slab: ArrayBuffer): void {
    if (this.free.length < MAX_FREE_SLABS && slab.byteLength === this.slabBytes) this.free.push(slab);
  }
}

let shared: OffThreadHashing | undefined;

/** The process's hashing worker (one, lazily started, unref'd). */
export function sharedHashing(): OffThreadHashing {
  return (shared ??= new OffThreadHashing());
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * A running SHA-256/512 of a byte stream that may be fed over several requests. While its input
 * is at most `smallInputBytes` nothing leaves the calling thread; beyond that, its state lives in
 * the worker, which is sent either copies in slabs (update) or the chunks themselves (consume),
 * in order, about a slab's worth per message. Between requests it holds no buffer (call flush()),
 * only an id (or a small local Hash). Input that first arrived in small pieces across requests
 * stays on the calling thread: a node Hash cannot move between threads.
 */
export class OffThreadHash implements StreamHash {
  /** Copies not yet sent (update). */
  private slab?: Buffer;
  private fill = 0;
  /** Consumed chunks not yet sent. At most one of slab and batch holds bytes, so order is kept. */
  private batch: ArrayBuffer[] = [];
  private batchBytes = 0;
  private local?: Hash;
  private remote?: { thread: HashThread; id: number };
  /** Messages at the worker not yet hashed. */
  private inFlight = 0;
  private slot?: Waiter;
  private result?: { resolve(hex: string): void; reject(error: Error): void };
  private failure?: Error;
  private finished = false;

  /** How the worker's thread reaches this hash. */
  private readonly channel: HashChannel = {
    hashed: () => {
      this.inFlight--;
      const slot = this.slot;
      this.slot = undefined;
      slot?.resolve();
    },
    digested: (hex) => {
      this.result?.resolve(hex);
      this.result = undefined;
    },
    failed: (error) => {
      this.failure = error;
      this.slot?.reject(error);
      this.slot = undefined;
      this.result?.reject(error);
      this.result = undefined;
    },
  };

  constructor(
    readonly algorithm: DigestAlgorithm,
    private readonly owner: OffThreadHashing,
  ) {}

  /** True once the worker holding this hash's state stopped: the hash is unusable, rebuild it. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  update(chunk: Buffer, mayWait = true): Promise<void> | undefined {
    this.assertUsable();
    if (this.local) {
      this.local.update(chunk);
      return undefined;
    }
    if (this.batchBytes > 0) this.sendBatch();
    return this.copy(chunk, 0, mayWait);
  }

  consume(chunk: Buffer): void {
    this.assertUsable();
    if (!ownsItsMemory(chunk)) {
      // Part of a larger buffer (or not movable): copied, like an update, but never waiting.
      this.update(chunk, false);
    } else if (this.local) {
      this.local.update(chunk);
      releaseChunks([chunk.buffer as ArrayBuffer]);
    } else {
      if (this.fill > 0) this.sendSlab();
      this.batch.push(chunk.buffer as ArrayBuffer);
      this.batchBytes += chunk.length;
      if (this.batchBytes >= this.owner.slabBytes) this.sendBatch();
    }
  }

  room(): Promise<void> | undefined {
    this.assertUsable();
    if (this.inFlight < this.owner.maxInFlight) return undefined;
    return this.nextSlot().then(() => this.room());
  }

  /** Sends buffered bytes on, so the hash holds no buffer while its upload waits for the next request. */
  flush(): void {
    if (this.failure || this.finished) return;
    if (this.fill + this.batchBytes === 0) {
      // Nothing new (an empty request): decide nothing yet.
      this.dropBuffered();
    } else if (this.keepsLocal()) {
      this.local = createHash(this.algorithm);
      this.drainInto(this.local);
    } else {
      this.sendBuffered();
    }
  }

  /** The hex digest of everything fed; the hash is finished afterwards. */
  async digest(): Promise<string> {
    this.assertUsable();
    if (this.local || this.keepsLocal()) {
      const hash = this.local ?? createHash(this.algorithm);
      this.drainInto(hash);
      this.local = undefined;
      this.finished = true;
      return hash.digest('hex');
    }
    this.sendBuffered();
    this.finished = true;
    const { thread, id } = this.remote!;
    thread.hold();
    try {
      return await new Promise<string>((resolve, reject) => {
        this.result = { resolve, reject };
        thread.digest(id, this.algorithm);
      });
    } finally {
      thread.release();
    }
  }

  /** Forgets the hash (its state in the worker too). Safe to call at any time, more than once. */
  dispose(): void {
    if (this.finished) return;
    this.finished = true;
    this.dropBuffered();
    this.local = undefined;
    if (this.remote && !this.failure) this.remote.thread.close(this.remote.id);
    this.slot?.reject(new Error('the hash was disposed while it waited for the worker'));
    this.slot = undefined;
  }

  // ---- internals ----

  /** Whether everything so far is small enough to hash here, never having gone to the worker. */
  private keepsLocal(): boolean {
    return !this.remote && !this.local && this.fill + this.batchBytes <= this.owner.smallInputBytes;
  }

  private copy(chunk: Buffer, offset: number, mayWait: boolean): Promise<void> | undefined {
    while (offset < chunk.length) {
      if (!this.slab) {
        if (mayWait && this.inFlight >= this.owner.maxInFlight) {
          const from = offset;
          return this.nextSlot().then(() => {
            this.assertUsable();
            return this.copy(chunk, from, true);
          });
        }
        this.slab = this.owner.takeSlab();
        this.fill = 0;
      }
      const copied = chunk.copy(this.slab, this.fill, offset);
      this.fill += copied;
      offset += copied;
      if (this.fill === this.slab.length) this.sendSlab();
    }
    return undefined;
  }

  /** Settles when the worker has hashed one more message of this hash. */
  private nextSlot(): Promise<void> {
    if (this.slot) throw new Error('the hash is already waiting for the worker');
    const { thread } = this.remote!;
    thread.hold();
    return new Promise<void>((resolve, reject) => {
      this.slot = { resolve, reject };
    }).finally(() => thread.release());
  }

  private connection(): { thread: HashThread; id: number } {
    return (this.remote ??= this.owner.open(this.channel));
  }

  private sendSlab(): void {
    const slab = this.slab!;
    const length = this.fill;
    this.slab = undefined;
    this.fill = 0;
    if (length === 0) {
      this.owner.release(slab.buffer as ArrayBuffer);
      return;
    }
    const { thread, id } = this.connection();
    this.inFlight++;
    thread.update(id, this.algorithm, slab.buffer as ArrayBuffer, length);
  }

  private sendBatch(): void {
    const chunks = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    const { thread, id } = this.connection();
    this.inFlight++;
    thread.consume(id, this.algorithm, chunks);
  }

  private sendBuffered(): void {
    if (this.slab) this.sendSlab();
    if (this.batchBytes > 0) this.sendBatch();
  }

  /** Hashes what is buffered into `hash`, here, and lets the buffers go. */
  private drainInto(hash: Hash): void {
    if (this.slab) hash.update(this.slab.subarray(0, this.fill));
    for (const chunk of this.batch) hash.update(new Uint8Array(chunk));
    this.dropBuffered();
  }

  private dropBuffered(): void {
    if (this.slab) this.owner.release(this.slab.buffer as ArrayBuffer);
    this.slab = undefined;
    this.fill = 0;
    if (this.batch.length > 0) releaseChunks(this.batch);
    this.batch = [];
    this.batchBytes = 0;
  }

  private assertUsable(): void {
    if (this.failure) throw this.failure;
    if (this.finished) throw new Error('the hash is finished (digested or disposed)');
  }
}
