import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PathNotFoundError, ShortReadError, type StorageDriver } from '../../src/storage/driver.js';
import { describeAppendConformance, describeScaleConformance } from './driver-conformance-scale.js';

export interface DriverHarness {
  driver: StorageDriver;
  /** Another instance over the same storage, as another node (another process) would have. */
  another(): StorageDriver;
  cleanup(): Promise<void>;
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function writeAll(driver: StorageDriver, path: string, data: Buffer, append = false): Promise<number> {
  const writer = await driver.writer(path, { append });
  await pipeline(Readable.from([data]), writer.stream);
  await writer.commit();
  return writer.size;
}

/**
 * The storage-driver contract. Every driver (filesystem, S3, …) runs this same suite, so the blob
 * store above can rely on identical behaviour whatever the backend.
 */
export function describeDriverConformance(name: string, open: () => Promise<DriverHarness>): void {
  describe(`storage driver conformance: ${name}`, () => {
    let harness: DriverHarness;
    let driver: StorageDriver;

    beforeEach(async () => {
      harness = await open();
      driver = harness.driver;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('stores and returns small content, replacing it atomically', async () => {
      await driver.putContent('a/b/c', Buffer.from('first'));
      expect((await driver.getContent('a/b/c')).toString()).toBe('first');
      await driver.putContent('a/b/c', Buffer.from('second, longer'));
      expect((await driver.getContent('a/b/c')).toString()).toBe('second, longer');
    });

    it('stores empty content', async () => {
      await driver.putContent('empty', Buffer.alloc(0));
      expect((await driver.getContent('empty')).length).toBe(0);
      expect((await driver.stat('empty'))?.size).toBe(0);
    });

    it('reports a missing path with PathNotFoundError for reads', async () => {
      await expect(driver.getContent('nope/missing')).rejects.toBeInstanceOf(PathNotFoundError);
      await expect(driver.reader('nope/missing')).rejects.toBeInstanceOf(PathNotFoundError);
      expect(await driver.stat('nope/missing')).toBeUndefined();
    });

    it('rejects paths that could escape the root or are malformed', async () => {
      for (const bad of ['../x', 'a/../../x', '/abs', 'a//b', 'a/./b', 'trailing/', '', 'nul\0byte', 'back\\slash']) {
        await expect(driver.putContent(bad, Buffer.from('x')), bad).rejects.toThrow(/invalid storage path/);
      }
    });

    it('reads a byte range from an offset, with and without a length', async () => {
      const data = Buffer.from('0123456789abcdef');
      await driver.putContent('range', data);
      expect((await readAll(await driver.reader('range', { offset: 4 }))).toString()).toBe('456789abcdef');
      expect((await readAll(await driver.reader('range', { offset: 4, length: 3 }))).toString()).toBe('456');
      expect((await readAll(await driver.reader('range', { offset: 16 }))).length).toBe(0);
      expect((await readAll(await driver.reader('range', { offset: 0, length: 0 }))).length).toBe(0);
    });

    it('fails a reader asked for more bytes than the object holds with ShortReadError, never a short stream', async () => {
      await driver.putContent('short', Buffer.from('0123456789'));
      // At open, or where the bytes run out: either way the caller cannot take it for the whole range.
      const outcome = await driver.reader('short', { offset: 4, length: 10 }).then(readAll).then(
        (bytes) => `ended after ${bytes.length} bytes`,
        (err: unknown) => err,
      );
      expect(outcome).toBeInstanceOf(ShortReadError);
      expect(outcome).toMatchObject({ path: 'short', expected: 14 });
      expect((await readAll(await driver.reader('short', { offset: 4, length: 6 }))).toString()).toBe('456789');
    });

    it('writes with a stream, reports the size, and appends in a later writer', async () => {
      expect(await writeAll(driver, 'up/data', Buffer.from('hello '))).toBe(6);
      expect(await writeAll(driver, 'up/data', Buffer.from('world'), true)).toBe(11);
      expect((await driver.getContent('up/data')).toString()).toBe('hello world');
      const info = await driver.stat('up/data');
      expect(info?.size).toBe(11);
      expect(info?.isDir).toBe(false);
    });

    it('a writer that is not appending replaces previous content', async () => {
      await driver.putContent('w', Buffer.from('old content here'));
      await writeAll(driver, 'w', Buffer.from('new'));
      expect((await driver.getContent('w')).toString()).toBe('new');
    });

    it('a closed writer keeps its bytes for a later append; a cancelled writer leaves nothing', async () => {
      const first = await driver.writer('resume/data');
      await pipeline(Readable.from([Buffer.from('part1-')]), first.stream);
      await first.close();
      expect(await writeAll(driver, 'resume/data', Buffer.from('part2'), true)).toBe(11);
      expect((await driver.getContent('resume/data')).toString()).toBe('part1-part2');

      const cancelled = await driver.writer('gone/data');
      cancelled.stream.write(Buffer.from('partial'));
      await cancelled.cancel();
      expect(await driver.stat('gone/data')).toBeUndefined();
    });

    it('streams a large object through unchanged', async () => {
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      for (let i = 0; i < 40; i++) {
        const chunk = randomBytes(1024 * 1024 + i);
        hash.update(chunk);
        chunks.push(chunk);
      }
      const writer = await driver.writer('big/data');
      await pipeline(Readable.from(chunks), writer.stream);
      await writer.commit();
      const total = chunks.reduce((n, c) => n + c.length, 0);
      expect(writer.size).toBe(total);
      const readBack = createHash('sha256');
      let size = 0;
      for await (const chunk of await driver.reader('big/data')) {
        readBack.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      expect(size).toBe(total);
      expect(readBack.digest('hex')).toBe(hash.digest('hex'));
    });

    it('stores chunks handed over to it unchanged, whether written one by one or in a burst', async () => {
      const chunks = Array.from({ length: 64 }, (_, i) => randomBytes(64 * 1024 + i));
      const expected = createHash('sha256');
      for (const chunk of chunks) expected.update(chunk);
      const total = chunks.reduce((n, c) => n + c.length, 0);
      const writer = await driver.writer('handed/data', { handOver: true });
      // The first few wait for each write; the rest are queued at once, so a driver may batch them.
      for (const chunk of chunks.slice(0, 4)) {
        await new Promise<void>((resolve, reject) => writer.stream.write(chunk, (err) => (err ? reject(err) : resolve())));
      }
      for (const chunk of chunks.slice(4)) writer.stream.write(chunk);
      await writer.commit();
      expect(writer.size).toBe(total);
      const readBack = await readAll(await driver.reader('handed/data'));
      expect(readBack.length).toBe(total);
      expect(createHash('sha256').update(readBack).digest('hex')).toBe(expected.digest('hex'));
    });

    it('lists direct children sorted, and nothing for an absent prefix', async () => {
      await driver.putContent('dir/b', Buffer.from('1'));
      await driver.putContent('dir/a', Buffer.from('1'));
      await driver.putContent('dir/sub/c', Buffer.from('1'));
      expect(await driver.list('dir')).toEqual(['dir/a', 'dir/b', 'dir/sub']);
      expect(await driver.list('absent')).toEqual([]);
    });

    it('walks every object under a prefix with sizes', async () => {
      await driver.putContent('tree/x', Buffer.from('12'));
      await driver.putContent('tree/y/z', Buffer.from('123'));
      await driver.putContent('tree/y/w/v', Buffer.from('1234'));
      await driver.putContent('other/q', Buffer.from('1'));
      const seen: Record<string, number> = {};
      for await (const info of driver.walk('tree')) seen[info.path] = info.size;
      expect(seen).toEqual({ 'tree/x': 2, 'tree/y/z': 3, 'tree/y/w/v': 4 });
      const none: string[] = [];
      for await (const info of driver.walk('absent')) none.push(info.path);
      expect(none).toEqual([]);
    });

    it('moves an object, replacing the destination, and refuses a missing source', async () => {
      await driver.putContent('from/obj', Buffer.from('payload'));
      await driver.putContent('to/obj', Buffer.from('old'));
      await driver.move('from/obj', 'to/obj');
      expect((await driver.getContent('to/obj')).toString()).toBe('payload');
      expect(await driver.stat('from/obj')).toBeUndefined();
      await expect(driver.move('from/obj', 'to/other')).rejects.toBeInstanceOf(PathNotFoundError);
    });

    it('deletes an object, a whole prefix, and ignores absent paths', async () => {
      await driver.putContent('del/a', Buffer.from('1'));
      await driver.putContent('del/sub/b', Buffer.from('1'));
      await driver.putContent('keep/c', Buffer.from('1'));
      await driver.delete('del/a');
      expect(await driver.stat('del/a')).toBeUndefined();
      await driver.delete('del');
      expect(await driver.stat('del/sub/b')).toBeUndefined();
      await driver.delete('never/existed');
      expect((await driver.getContent('keep/c')).toString()).toBe('1');
    });

    it('readers never observe a half-replaced object under concurrent puts', async () => {
      const a = Buffer.alloc(256 * 1024, 'a');
      const b = Buffer.alloc(256 * 1024, 'b');
      await driver.putContent('race', a);
      const writes = Array.from({ length: 20 }, (_, i) => driver.putContent('race', i % 2 ? a : b));
      const reads = Array.from({ length: 20 }, async () => {
        const content = await driver.getContent('race');
        expect(content.length).toBe(a.length);
        expect(content.equals(a) || content.equals(b)).toBe(true);
      });
      await Promise.all([...writes, ...reads]);
    });

    it('reports a directory-like prefix as a directory', async () => {
      await driver.putContent('parent/child/leaf', Buffer.from('1'));
      expect(await driver.stat('parent/child')).toMatchObject({ isDir: true });
      expect((await driver.stat('parent/child'))?.modTime).toBeInstanceOf(Date);
    });

    it('offers no redirect URL, or one that serves the object', async () => {
      const content = randomBytes(1000);
      await driver.putContent('redirect/blob', content);
      const url = await driver.redirectURL?.('redirect/blob', { expiresInSeconds: 60 });
      if (url === undefined) return;
      const whole = await fetch(url);
      expect(whole.status).toBe(200);
      expect(Buffer.from(await whole.arrayBuffer()).equals(content)).toBe(true);
      const ranged = await fetch(url, { headers: { Range: 'bytes=10-19' } });
      expect(ranged.status).toBe(206);
      expect(Buffer.from(await ranged.arrayBuffer()).equals(content.subarray(10, 20))).toBe(true);
    });

    describeAppendConformance(() => harness);
    describeScaleConformance(() => harness);
  });
}
