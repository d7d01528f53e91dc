/**
 * The server's log destination: a descriptor that takes nothing costs lines (held up to a bound,
 * then dropped and counted), never an exception, an 'error' event or a blocked event loop; once it
 * takes lines again, the held ones follow in order and then a line saying how many were lost.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogDestination } from '../../src/api/log-destination.js';
import { requireCondition } from '../support/conditions.js';
import { eventually } from '../support/eventually.js';
import { isRoot, mountTmpfs } from '../support/tmpfs.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A 100-byte log line (i below 100). */
const line = (i: number) => `${JSON.stringify({ i: String(i).padStart(2, '0'), msg: 'x'.repeat(80) })}\n`;

describe('LogDestination', () => {
  it('never throws on a descriptor that refuses every write, and counts what it drops', async () => {
    // EBADF for every write. Left open: the destination keeps retrying it, and must not find
    // another test's file behind a reused descriptor number.
    const fd = openSync('/dev/null', 'r');
    const destination = new LogDestination({ fd, maxPendingBytes: 1000, retryMs: 10 });
    for (let i = 0; i < 30; i++) expect(() => destination.write(line(i))).not.toThrow();
    // 10 lines held (1000 bytes), the rest dropped.
    expect(destination.dropped).toBe(20);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(destination.dropped).toBe(20);
  });

  it('writes the held lines in order once there is space again, then how many were dropped', async (ctx) => {
    requireCondition(ctx, isRoot(), 'mounting a small tmpfs to fill needs root');
    const tmpfs = await mountTmpfs(1024);
    cleanups.push(() => tmpfs.unmount());
    const file = join(tmpfs.dir, 'log');
    const fd = openSync(file, 'a');
    cleanups.push(() => closeSync(fd));
    tmpfs.fill();

    const destination = new LogDestination({ fd, maxPendingBytes: 1000, retryMs: 10 });
    for (let i = 0; i < 25; i++) destination.write(line(i));
    // Once lines are dropped, a short one that would fit is dropped too: no holes in what is kept.
    destination.write('{}\n');
    expect(destination.dropped).toBe(16);

    tmpfs.free();
    const text = await eventually(async () => (readFileSync(file, 'utf8').includes('droppedLines') ? readFileSync(file, 'utf8') : undefined), 'the dropped-lines notice');
    const records = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.slice(0, 10).map((r) => r.i)).toEqual(['00', '01', '02', '03', '04', '05', '06', '07', '08', '09']);
    expect(records[10]).toMatchObject({ level: 40, droppedLines: 16, msg: 'log lines dropped while the log could not be written' });
    expect(records).toHaveLength(11);

    destination.write(line(99));
    expect(readFileSync(file, 'utf8').endsWith(line(99))).toBe(true);
    expect(destination.dropped).toBe(16);
  });
});
