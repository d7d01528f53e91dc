import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { DigestAlgorithm } from '../../../src/domain/digest.js';
import { HashWorkerStopped, startHashWorker } from '../../../src/storage/hashing/hash-thread.js';
import { type OffThreadHash, OffThreadHashing, type OffThreadHashingOptions } from '../../../src/storage/hashing/off-thread-hasher.js';

const instances: OffThreadHashing[] = [];
afterEach(async () => {
  await Promise.all(instances.splice(0).map((hashing) => hashing.terminate()));
});

type Counted = OffThreadHashing & { starts: number };

/** A hashing instance whose worker starts are counted. */
function hashing(options: OffThreadHashingOptions = {}): Counted {
  const counted = new OffThreadHashing({
    ...options,
    startWorker: () => {
      counted.starts++;
      return (options.startWorker ?? startHashWorker)();
    },
  }) as Counted;
  counted.starts = 0;
  instances.push(counted);
  return counted;
}

// Small slabs and few in flight: every path (full slabs, batches, waiting) is taken many times.
const tiny: OffThreadHashingOptions = { slabBytes: 4096, maxInFlight: 2, smallInputBytes: 1024 };

function digestOf(algorithm: DigestAlgorithm, data: Buffer): string {
  return createHash(algorithm).update(data).digest('hex');
}

type Feed = 'update' | 'consume' | 'mixed';

/**
 * Feeds `data` in pieces of random size (1 byte to `maxPiece`), as a socket delivers it: copies
 * through update() (overwritten once it settles, so the hash must have copied them), or pieces
 * that own their memory through room() + consume(), or both, chosen at random.
 */
async function feed(hash: OffThreadHash, data: Buffer, maxPiece: number, how: Feed): Promise<void> {
  for (let offset = 0; offset < data.length; ) {
    const length = Math.min(data.length - offset, randomInt(1, maxPiece + 1));
    const piece = data.subarray(offset, offset + length);
    offset += length;
    if (how === 'update' || (how === 'mixed' && randomInt(2) === 0)) {
      const copy = Buffer.from(piece);
      await hash.update(copy);
      copy.fill(0xa5);
    } else {
      await hash.room();
      const owned = Buffer.allocUnsafeSlow(length);
      piece.copy(owned);
      hash.consume(owned);
    }
  }
}

describe('OffThreadHashing', () => {
  for (const algorithm of ['sha256', 'sha512'] as const) {
    for (const how of ['update', 'consume', 'mixed'] as const) {
      it(`gives node:crypto's ${algorithm} over random data split at random boundaries (${how})`, async () => {
        for (const [options, size] of [
          [tiny, 300_007],
          [{}, 3 * 1024 * 1024 + 17],
        ] as const) {
          const h = hashing(options);
          const data = randomBytes(size);
          const hash = h.create(algorithm);
          await feed(hash, data, h.slabBytes * 3, how);
          await expect(hash.digest()).resolves.toBe(digestOf(algorithm, data));
          expect(h.starts).toBe(1);
        }
      });
    }
  }

  it('digests empty input without starting the worker', async () => {
    const h = hashing();
    for (const algorithm of ['sha256', 'sha512'] as const) {
      const hash = h.create(algorithm);
      hash.flush();
      await expect(hash.digest()).resolves.toBe(digestOf(algorithm, Buffer.alloc(0)));
    }
    expect(h.starts).toBe(0);
  });

  it('hashes small input on the calling thread, across flushes', async () => {
    const h = hashing({ smallInputBytes: 64 * 1024 });
    const data = randomBytes(40_000);
    const hash = h.create('sha256');
    await hash.update(data.subarray(0, 100));
    hash.flush();
    await hash.update(data.subarray(100, 30_000));
    hash.flush();
    hash.consume(Buffer.from(data.subarray(30_000)));
    await expect(hash.digest()).resolves.toBe(digestOf('sha256', data));
    expect(h.starts).toBe(0);
  });

  it('carries the state across separate appends (flush between them), small first or large first', async () => {
    const h = hashing(tiny);
    for (const cuts of [
      [10, 500, 50_000, 120_000],
      [60_000, 60_001, 100_000, 120_000],
    ]) {
      const data = randomBytes(120_000);
      const hash = h.create('sha512');
      let from = 0;
      for (const to of cuts) {
        await feed(hash, data.subarray(from, to), 3000, 'mixed');
        hash.flush();
        hash.flush();
        from = to;
      }
      await expect(hash.digest()).resolves.toBe(digestOf('sha512', data));
    }
  });

  it('keeps many concurrent hashes apart', async () => {
    const h = hashing(tiny);
    const inputs = Array.from({ length: 40 }, (_, i) => randomBytes(1000 + i * 3001));
    const digests = await Promise.all(
      inputs.map(async (data, i) => {
        const algorithm: DigestAlgorithm = i % 2 ? 'sha256' : 'sha512';
        const hash = h.create(algorithm);
        await feed(hash, data, 5000, 'mixed');
        return { algorithm, hex: await hash.digest() };
      }),
    );
    digests.forEach(({ algorithm, hex }, i) => expect(hex).toBe(digestOf(algorithm, inputs[i]!)));
    expect(h.starts).toBe(1);
  });

  it('fails the hashes in a worker that stops, never answers a digest, and starts a fresh worker for new hashes', async () => {
    const h = hashing(tiny);
    const data = randomBytes(100_000);
    const waiting = h.create('sha256');
    await feed(waiting, data, 3000, 'consume');
    const midStream = h.create('sha256');
    await feed(midStream, data, 3000, 'update');
    const digest = waiting.digest();
    const settled = digest.catch((err: unknown) => err);
    await h.terminate();

    expect(await settled).toBeInstanceOf(HashWorkerStopped);
    expect(midStream.failed).toBe(true);
    expect(() => midStream.update(data)).toThrow(HashWorkerStopped);
    expect(() => midStream.consume(Buffer.from(data))).toThrow(HashWorkerStopped);
    await expect(midStream.digest()).rejects.toThrow(/hashing worker stopped/);

    const fresh = h.create('sha256');
    await feed(fresh, data, 3000, 'mixed');
    await expect(fresh.digest()).resolves.toBe(digestOf('sha256', data));
    expect(h.starts).toBe(2);
  });

  it('fails a hash waiting for room when its worker crashes', async () => {
    // A worker that takes messages and never answers, then throws: hashes wait, then fail.
    const h = hashing({
      ...tiny,
      startWorker: () =>
        new Worker(
          `const { parentPort } = require('node:worker_threads');
           let n = 0;
           parentPort.on('message', () => { if (++n === 2) throw new Error('boom'); });`,
          { eval: true },
        ),
    });
    const hash = h.create('sha256');
    const fed = feed(hash, randomBytes(50_000), 4096, 'consume');
    await expect(fed).rejects.toThrow(/hashing worker stopped \(boom\)/);
    expect(hash.failed).toBe(true);
  });

  it('dispose forgets a hash at any point, and a finished hash refuses more input', async () => {
    const h = hashing(tiny);
    const data = randomBytes(50_000);
    const disposed = h.create('sha256');
    await feed(disposed, data, 3000, 'mixed');
    disposed.dispose();
    disposed.dispose();
    expect(() => disposed.update(data)).toThrow(/finished/);

    const done = h.create('sha256');
    await feed(done, data, 3000, 'mixed');
    await done.digest();
    expect(() => done.consume(Buffer.from(data))).toThrow(/finished/);
  });

  // A process of its own, from the TypeScript sources (through tsx, as the worker is then too).
  describe('in a process of its own', () => {
    const run = async (body: string) => {
      const module = new URL('../../../src/storage/hashing/off-thread-hasher.ts', import.meta.url).href;
      const script = [
        `import { OffThreadHashing } from ${JSON.stringify(module)};`,
        `const hashing = new OffThreadHashing();`,
        body,
      ].join('\n');
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: fileURLToPath(new URL('../../..', import.meta.url)),
        timeout: 20_000,
      });
      return stdout.trim();
    };

    it('lets the process exit while the worker is up (with a message in flight)', async () => {
      const out = await run(`
        const hash = hashing.create('sha256');
        hash.consume(Buffer.alloc(4 * 1024 * 1024, 1));
        hash.flush();
        console.log('fed');
      `);
      expect(out).toBe('fed');
    });

    it('keeps the process alive while a digest is awaited', async () => {
      const out = await run(`
        const hash = hashing.create('sha256');
        hash.consume(Buffer.alloc(4 * 1024 * 1024, 1));
        console.log(await hash.digest());
      `);
      expect(out).toBe(digestOf('sha256', Buffer.alloc(4 * 1024 * 1024, 1)));
    });
  });
});
