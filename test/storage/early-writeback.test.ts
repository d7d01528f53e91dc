import { describe, expect, it } from 'vitest';
import { EarlyWriteback } from '../../src/storage/early-writeback.js';

describe('EarlyWriteback', () => {
  it('flushes once a step of new bytes is written, one flush at a time, and settle waits for it', async () => {
    const flushes: { release: () => void }[] = [];
    const writeback = new EarlyWriteback(
      () =>
        new Promise<void>((resolve) => {
          flushes.push({ release: resolve });
        }),
      100,
    );
    writeback.written(99);
    expect(flushes).toHaveLength(0);
    writeback.written(100);
    expect(flushes).toHaveLength(1);
    writeback.written(250); // a flush is running: none more
    expect(flushes).toHaveLength(1);
    flushes[0]!.release();
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    writeback.written(199); // less than a step since the last flush started (at 100)
    expect(flushes).toHaveLength(1);
    writeback.written(200);
    expect(flushes).toHaveLength(2);

    let settled = false;
    const settling = writeback.settle().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    flushes[1]!.release();
    await settling;
  });

  it('ignores a failed flush (the commit flushes again and reports it) and keeps going', async () => {
    let calls = 0;
    const writeback = new EarlyWriteback(async () => {
      calls++;
      throw new Error('disk full');
    }, 10);
    writeback.written(10);
    await expect(writeback.settle()).resolves.toBeUndefined();
    writeback.written(20);
    await writeback.settle();
    expect(calls).toBe(2);
  });
});
