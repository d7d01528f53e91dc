import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { DigestAlgorithm } from '../../domain/digest.js';
import type { FromHashWorker, ToHashWorker } from './protocol.js';

/** What a hash whose state lives in the worker hears back. */
export interface HashChannel {
  /** One of its updates or consumes was hashed (an update's slab went back to the pool). */
  hashed(): void;
  digested(hex: string): void;
  /** The worker is gone, and the state with it. */
  failed(error: Error): void;
}

/** The worker stopped (crashed, ran out of memory, or was terminated) while hashes lived in it. */
export class HashWorkerStopped extends Error {
  constructor(reason: string) {
    super(`the hashing worker stopped (${reason}); the running hash of this upload is lost`);
    this.name = 'HashWorkerStopped';
  }
}

/**
 * The worker's heap holds a few Hash objects and message envelopes; the bytes it hashes are
 * off-heap ArrayBuffers. A worker costs ~10 MiB of RSS (its own isolate and Node environment),
 * counted in Berth's peak during a push; heap limits this small save about 1 MiB of that and
 * would stop a runaway worker long before it mattered (an out-of-memory worker just stops: its
 * hashes fail, the next one starts afresh).
 */
const RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16, stackSizeMb: 1 };

/**
 * Starts the worker from hash-worker.js beside this module (the build in dist/). Run from the
 * TypeScript sources (vitest, tsx) there is no .js here, and a worker does not inherit the
 * parent's loader, so the .ts entry is imported through tsx's API (a development dependency).
 */
export function startHashWorker(): Worker {
  const compiled = new URL('./hash-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { resourceLimits: RESOURCE_LIMITS });
  const source = new URL('./hash-worker.ts', import.meta.url).href;
  // tsx's ESM API ("tsx/esm/api", import condition), found through its package.json exports.
  const require = createRequire(import.meta.url);
  const manifest = require('tsx/package.json') as { exports: Record<string, { import: { default: string } }> };
  const api = new URL(manifest.exports['./esm/api']!.import.default, `file://${require.resolve('tsx/package.json')}`).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}))`;
  return new Worker(bootstrap, { eval: true });
}

/**
 * One hashing worker and the hashes living in it. The worker is unref'd, so it never keeps the
 * process alive, except while someone awaits an answer from it (hold/release), so a pending
 * digest is never abandoned by the process exiting under it. (Ref'ing per message instead cost
 * ~150 µs of main thread per toggle pair here.) If the thread stops, every hash in it fails (its
 * state is gone; a digest must never be guessed), and the owner starts a new thread for the
 * next hash.
 */
export class HashThread {
  private readonly channels = new Map<number, HashChannel>();
  private nextId = 1;
  /** Callers awaiting an answer (the worker is ref'd while there are any). */
  private holds = 0;
  private stopped?: Error;
  private lastError?: Error;

  constructor(
    private readonly worker: Worker,
    /** Where hashed slabs go (the pool), whether or not their hash is still around. */
    private readonly recycle: (slab: ArrayBuffer) => void,
  ) {
    worker.on('message', (message: FromHashWorker) => this.answer(message));
    worker.on('error', (err) => {
      this.lastError = err;
    });
    worker.on('exit', (code) => {
      this.stop(new HashWorkerStopped(this.lastError ? this.lastError.message : `exit code ${code}`));
    });
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
  }

  /** Set once the thread is gone. */
  get failure(): Error | undefined {
    return this.stopped;
  }

  open(channel: HashChannel): number {
    const id = this.nextId++;
    this.channels.set(id, channel);
    return id;
  }

  update(id: number, algorithm: DigestAlgorithm, slab: ArrayBuffer, length: number): void {
    this.post({ op: 'update', id, algorithm, slab, length }, [slab]);
  }

  /** Moves whole chunks to the worker, which hashes and then frees them. */
  consume(id: number, algorithm: DigestAlgorithm, chunks: ArrayBuffer[]): void {
    this.post({ op: 'consume', id, algorithm, chunks }, chunks);
  }

  digest(id: number, algorithm: DigestAlgorithm): void {
    this.post({ op: 'digest', id, algorithm }, []);
  }

  /** Forgets a state (and stops telling its channel about slabs still in flight). */
  close(id: number): void {
    if (this.channels.delete(id)) this.post({ op: 'drop', id }, []);
  }

  /** Keeps the process alive while the caller awaits an answer; pair with release(). */
  hold(): void {
    if (this.holds++ === 0 && !this.stopped) this.worker.ref();
  }

  release(): void {
    if (--this.holds === 0 && !this.stopped) this.worker.unref();
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
    this.stop(new HashWorkerStopped('terminated'));
  }

  private post(message: ToHashWorker, transfer: ArrayBuffer[]): void {
    if (this.stopped) throw this.stopped;
    this.worker.postMessage(message, transfer);
  }

  private answer(message: FromHashWorker): void {
    if (message.op === 'hashed') {
      if (message.slab) this.recycle(message.slab);
      this.channels.get(message.id)?.hashed();
    } else {
      const channel = this.channels.get(message.id);
      this.channels.delete(message.id);
      channel?.digested(message.hex);
    }
  }

  private stop(error: Error): void {
    if (this.stopped) return;
    this.stopped = error;
    const channels = [...this.channels.values()];
    this.channels.clear();
    for (const channel of channels) channel.failed(error);
  }
}
