/**
 * The parts of the driver conformance suite that object stores make hard: appends that cross
 * multipart boundaries or stay below S3's 5 MiB part minimum, appends continued by another driver
 * instance (another node), a writer abandoned mid-stream (a node that died), and listings past
 * one page of 1000 keys. Part of describeDriverConformance, so every driver runs them.
 */
import { randomBytes } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../support/digest.js';
import type { StorageDriver } from '../../src/storage/driver.js';
import { type DriverHarness, readAll, writeAll } from './driver-conformance.js';

const MiB = 1024 * 1024;

/** `data` as a stream of chunks of about `chunkSize` (a request body arrives in pieces too). */
function chunked(data: Buffer, chunkSize = MiB): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < data.length; at += chunkSize) chunks.push(data.subarray(at, at + chunkSize));
  return Readable.from(chunks);
}

async function append(driver: StorageDriver, path: string, data: Buffer): Promise<number> {
  const writer = await driver.writer(path, { append: true });
  await pipeline(chunked(data), writer.stream);
  await writer.close();
  return writer.size;
}

function write(stream: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => stream.write(chunk, (err) => (err ? reject(err) : resolve())));
}


export function describeAppendConformance(current: () => DriverHarness): void {
  describe('appends', () => {
    it('appends across part boundaries in large writes, read back whole, by ranges and by walk', async () => {
      const { driver } = current();
      const parts = [randomBytes(9 * MiB + 1), randomBytes(7 * MiB), randomBytes(12 * MiB + 3)];
      const whole = Buffer.concat(parts);
      await driver.putContent('large/data', Buffer.alloc(0));
      let expected = 0;
      for (const part of parts) {
        expected += part.length;
        expect(await append(driver, 'large/data', part)).toBe(expected);
      }
      expect((await driver.stat('large/data'))?.size).toBe(whole.length);
      expect(sha256Hex(await readAll(await driver.reader('large/data')))).toBe(sha256Hex(whole));
      // Ranges inside one write, across the first boundary, and over all three.
      for (const [offset, length] of [
        [5, 100],
        [9 * MiB - 10, 20],
        [1000, whole.length - 2000],
        [16 * MiB + 1, 5 * MiB],
      ] as const) {
        const read = await readAll(await driver.reader('large/data', { offset, length }));
        expect(read.equals(whole.subarray(offset, offset + length)), `${offset}+${length}`).toBe(true);
      }
      const tail = await readAll(await driver.reader('large/data', { offset: whole.length - 7 }));
      expect(tail.equals(whole.subarray(whole.length - 7))).toBe(true);
      const walked: Record<string, number> = {};
      for await (const info of driver.walk('large')) walked[info.path] = info.size;
      expect(walked).toEqual({ 'large/data': whole.length });
      expect(await driver.list('large')).toEqual(['large/data']);
    });

    it('keeps many small appends in order, then moves the result whole', async () => {
      const { driver } = current();
      const parts = Array.from({ length: 24 }, (_, i) => randomBytes(1 + ((i * 37_919) % (200 * 1024))));
      parts.splice(12, 0, randomBytes(6 * MiB)); // one above the part minimum between small ones
      await driver.putContent('small/data', Buffer.alloc(0));
      let size = 0;
      for (const part of parts) {
        size += part.length;
        expect(await append(driver, 'small/data', part)).toBe(size);
      }
      const whole = Buffer.concat(parts);
      expect((await driver.getContent('small/data')).equals(whole)).toBe(true);
      const middle = await readAll(await driver.reader('small/data', { offset: 100_000, length: 7 * MiB }));
      expect(middle.equals(whole.subarray(100_000, 100_000 + 7 * MiB))).toBe(true);

      await driver.move('small/data', 'moved/blob');
      expect(await driver.stat('small/data')).toBeUndefined();
      expect((await driver.stat('moved/blob'))?.size).toBe(whole.length);
      expect(sha256Hex(await readAll(await driver.reader('moved/blob')))).toBe(sha256Hex(whole));
    });

    it('continues an append on other instances (other nodes), each seeing the size the last one left', async () => {
      const harness = current();
      const nodes = [harness.driver, harness.another(), harness.another()];
      const chunks = [randomBytes(6 * MiB + 5), randomBytes(3 * MiB), randomBytes(7 * MiB - 1), randomBytes(1234)];
      await nodes[0]!.putContent('nodes/data', Buffer.alloc(0));
      let size = 0;
      for (const [i, chunk] of chunks.entries()) {
        const node = nodes[i % nodes.length]!;
        const writer = await node.writer('nodes/data', { append: true });
        expect(writer.size, `node ${i % nodes.length} before chunk ${i}`).toBe(size);
        await pipeline(chunked(chunk), writer.stream);
        await (i === chunks.length - 1 ? writer.commit() : writer.close());
        size += chunk.length;
        expect((await nodes[(i + 1) % nodes.length]!.stat('nodes/data'))?.size).toBe(size);
      }
      const whole = Buffer.concat(chunks);
      expect((await nodes[2]!.getContent('nodes/data')).equals(whole)).toBe(true);
      await nodes[1]!.move('nodes/data', 'nodes/blob');
      expect((await nodes[0]!.getContent('nodes/blob')).equals(whole)).toBe(true);
    });

    it('leaves an append abandoned mid-stream (its node died) at a consistent size the next writer resumes from', async () => {
      const harness = current();
      const data = randomBytes(14 * MiB);
      await harness.driver.putContent('dying/data', Buffer.alloc(0));
      await append(harness.driver, 'dying/data', data.subarray(0, 6 * MiB));

      const dying = await harness.driver.writer('dying/data', { append: true, handOver: false });
      for (let at = 6 * MiB; at < 13 * MiB; at += MiB) await write(dying.stream, data.subarray(at, at + MiB));
      dying.stream.destroy(); // no close, no commit: the process is gone

      const other = harness.another();
      const next = await other.writer('dying/data', { append: true });
      const size = next.size;
      expect((await other.stat('dying/data'))?.size).toBe(size);
      expect(size).toBeGreaterThanOrEqual(6 * MiB);
      expect(size).toBeLessThanOrEqual(13 * MiB);
      expect((await other.getContent('dying/data')).equals(data.subarray(0, size))).toBe(true);
      await pipeline(chunked(data.subarray(size)), next.stream);
      await next.commit();
      expect(next.size).toBe(data.length);
      expect(sha256Hex(await harness.driver.getContent('dying/data'))).toBe(sha256Hex(data));
    });

    it('a whole write replaces an appended object, and a later append builds on the new content only', async () => {
      const { driver } = current();
      await driver.putContent('replace/data', Buffer.alloc(0));
      await append(driver, 'replace/data', randomBytes(6 * MiB));
      await append(driver, 'replace/data', randomBytes(1000));
      await writeAll(driver, 'replace/data', Buffer.from('fresh'));
      expect((await driver.getContent('replace/data')).toString()).toBe('fresh');
      expect(await append(driver, 'replace/data', Buffer.from(' start'))).toBe(11);
      expect((await driver.getContent('replace/data')).toString()).toBe('fresh start');

      await append(driver, 'replace/data', randomBytes(6 * MiB));
      await driver.putContent('replace/data', Buffer.from('small'));
      expect(await append(driver, 'replace/data', Buffer.from('er'))).toBe(7);
      expect((await driver.getContent('replace/data')).toString()).toBe('smaller');
    });
  });
}

export function describeScaleConformance(current: () => DriverHarness): void {
  describe('beyond one listing page', () => {
    it('lists, walks and deletes more than 1000 objects under a prefix', async () => {
      const { driver } = current();
      const names = Array.from({ length: 1003 }, (_, i) => `many/k${String(i).padStart(4, '0')}`);
      const all = [...names, 'many/sub/a', 'many/sub/b'];
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < all.length) {
            const name = all[next++]!;
            await driver.putContent(name, Buffer.from(name));
          }
        }),
      );
      expect(await driver.list('many')).toEqual([...names, 'many/sub']);
      let walked = 0;
      for await (const info of driver.walk('many')) {
        expect(info.size).toBe(info.path.length);
        walked++;
      }
      expect(walked).toBe(all.length);

      await driver.delete('many');
      expect(await driver.list('many')).toEqual([]);
      expect(await driver.stat('many/k0999')).toBeUndefined();
      expect(await driver.stat('many')).toBeUndefined();
    });
  });
}
