/** What the S3 driver does beyond the shared conformance suite: its layout, segments, memory. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../support/digest.js';
import type { StorageDriver } from '../../../src/storage/driver.js';
import { listObjects } from '../../../src/storage/s3/listing.js';
import type { S3Driver, S3DriverOptions } from '../../../src/storage/s3/driver.js';
import { withS3 } from '../../engines/engines.js';
import { readAll } from '../driver-conformance.js';
import { createBucket, deleteBucket, s3Client, s3Driver } from './helpers.js';

const MiB = 1024 * 1024;

async function append(driver: StorageDriver, path: string, data: Buffer): Promise<number> {
  const writer = await driver.writer(path, { append: true });
  await pipeline(Readable.from([data]), writer.stream);
  await writer.close();
  return writer.size;
}

withS3((s3) => {
  let bucket: string;
  beforeAll(async () => {
    bucket = await createBucket(s3, 'driver');
  });
  afterAll(() => deleteBucket(s3, bucket));

  const open = (knobs: Partial<S3DriverOptions> = {}, prefix = `t/${randomUUID()}`) =>
    s3Driver(s3, { bucket, prefix, partSizeBytes: 5 * MiB }, knobs);
  /** The keys under a path (and `suffix`), as paths: what is really in the bucket. */
  const keysUnder = async (driver: S3Driver, path: string, suffix = '') => {
    const keys: string[] = [];
    for await (const object of listObjects(s3Client(s3), bucket, driver.layout.key(path) + suffix)) keys.push(driver.layout.path(object.Key!));
    return keys;
  };
  const pendingUploads = async (driver: S3Driver, path: string) =>
    ((await s3Client(s3).send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: driver.layout.key(path) }))).Uploads ?? []).length;

  describe('S3 driver layout', () => {
    it('keeps an appended object as a marker and segments, merging a small last segment into the next', async () => {
      const driver = open();
      await driver.putContent('u/data', Buffer.alloc(0));
      expect(await keysUnder(driver, 'u/data')).toEqual(['u/data']);
      const first = randomBytes(6 * MiB);
      const small = randomBytes(1000);
      const next = randomBytes(2 * MiB);
      await append(driver, 'u/data', first);
      await append(driver, 'u/data', small);
      expect(await keysUnder(driver, 'u/data')).toEqual(['u/data', 'u/data/~segments/0000000000000000', 'u/data/~segments/0000000006291456']);
      // The 1000-byte segment is below S3's part minimum: the next writer rewrites it with its bytes.
      await append(driver, 'u/data', next);
      const segments = await keysUnder(driver, 'u/data', '/~segments/');
      expect(segments).toEqual(['u/data/~segments/0000000000000000', 'u/data/~segments/0000000006291456']);
      expect((await driver.stat('u/data'))?.size).toBe(6 * MiB + 1000 + 2 * MiB);
      expect((await driver.getContent('u/data')).equals(Buffer.concat([first, small, next]))).toBe(true);
      // Nobody sees the segments as objects of their own.
      expect(await driver.list('u')).toEqual(['u/data']);
      expect(await driver.list('u/data')).toEqual([]);
      await expect(driver.putContent('u/data/~segments/x', Buffer.from('x'))).rejects.toThrow(/invalid storage path/);
    });

    it('starts a new segment every partsPerSegment parts, and a move joins the segments with a multipart copy', async () => {
      const driver = open({ partsPerSegment: 2 });
      const data = randomBytes(23 * MiB);
      await driver.putContent('roll/data', Buffer.alloc(0));
      expect(await append(driver, 'roll/data', data.subarray(0, 23 * MiB - 100))).toBe(23 * MiB - 100);
      expect(await keysUnder(driver, 'roll/data', '/~segments/')).toHaveLength(3);
      expect(await append(driver, 'roll/data', data.subarray(23 * MiB - 100))).toBe(data.length);
      expect(await keysUnder(driver, 'roll/data', '/~segments/')).toHaveLength(3);
      const middle = await readAll(await driver.reader('roll/data', { offset: 10 * MiB - 5, length: 10 }));
      expect(middle.equals(data.subarray(10 * MiB - 5, 10 * MiB + 5))).toBe(true);
      await driver.move('roll/data', 'blobs/rolled');
      expect(await keysUnder(driver, 'roll')).toEqual([]);
      expect(await keysUnder(driver, 'blobs/rolled')).toEqual(['blobs/rolled']);
      expect(sha256Hex(await driver.getContent('blobs/rolled'))).toBe(sha256Hex(data));
    });

    it('an abandoned writer that had merged the small last segment leaves it intact, and its parts are aborted by the next writer', async () => {
      const prefix = `t/${randomUUID()}`;
      const driver = open({}, prefix);
      const data = randomBytes(16 * MiB);
      await driver.putContent('d/data', Buffer.alloc(0));
      await append(driver, 'd/data', data.subarray(0, 6 * MiB));
      await append(driver, 'd/data', data.subarray(6 * MiB, 7 * MiB));
      const dying = await driver.writer('d/data', { append: true });
      for (let at = 7 * MiB; at < 14 * MiB; at += MiB) {
        await new Promise<void>((resolve, reject) => dying.stream.write(data.subarray(at, at + MiB), (err) => (err ? reject(err) : resolve())));
      }
      await new Promise((resolve) => setTimeout(resolve, 500)); // its first part reaches S3
      expect(await pendingUploads(driver, 'd/data')).toBe(1);
      dying.stream.destroy();

      const other = open({}, prefix); // another node: its own client, the same bucket and prefix
      const next = await other.writer('d/data', { append: true });
      expect(next.size).toBe(7 * MiB);
      await pipeline(Readable.from([data.subarray(7 * MiB)]), next.stream);
      await next.commit();
      expect(await pendingUploads(driver, 'd/data')).toBe(0);
      expect(sha256Hex(await driver.getContent('d/data'))).toBe(sha256Hex(data));
    });

    it('ignores segments past a gap (a writer that raced), and the next append removes them', async () => {
      const driver = open();
      await driver.putContent('g/data', Buffer.alloc(0));
      await append(driver, 'g/data', randomBytes(6 * MiB));
      const stray = driver.layout.segmentKey(driver.layout.key('g/data'), 9 * MiB);
      await s3Client(s3).send(new PutObjectCommand({ Bucket: bucket, Key: stray, Body: Buffer.from('stray'), ContentLength: 5 }));
      expect((await driver.stat('g/data'))?.size).toBe(6 * MiB);
      await append(driver, 'g/data', randomBytes(3 * MiB));
      expect((await driver.stat('g/data'))?.size).toBe(9 * MiB);
      expect(await keysUnder(driver, 'g/data', '/~segments/')).toHaveLength(2);
    });

    it('stores objects under the configured prefix only', async () => {
      const driver = open();
      await driver.putContent('p/x', Buffer.from('1'));
      const [key] = await keysUnder(driver, 'p');
      expect(driver.layout.key('p/x').endsWith('/p/x')).toBe(true);
      expect(key).toBe('p/x');
    });
  });

  describe('S3 driver memory', () => {
    it('streams a 96 MiB upload in and back out with bounded memory', async () => {
      const driver = s3Driver(s3, { bucket, prefix: `t/${randomUUID()}` });
      const total = 96 * MiB;
      const written = createHash('sha256');
      let sent = 0;
      // Fresh 64 KiB chunks, as an HTTP request body arrives, handed over to the driver.
      const source = new Readable({
        read() {
          if (sent >= total) return void this.push(null);
          const chunk = randomBytes(64 * 1024);
          written.update(chunk);
          sent += chunk.length;
          this.push(chunk);
        },
      });
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const before = process.memoryUsage().rss;
      try {
        await driver.putContent('m/data', Buffer.alloc(0));
        const writer = await driver.writer('m/data', { append: true, handOver: true });
        await pipeline(source, writer.stream);
        await writer.commit();
        expect(writer.size).toBe(total);
        const read = createHash('sha256');
        for await (const chunk of await driver.reader('m/data')) read.update(chunk as Buffer);
        expect(read.digest('hex')).toBe(written.digest('hex'));
      } finally {
        clearInterval(sampler);
      }
      const growth = Math.max(peak, process.memoryUsage().rss) - before;
      console.log(`96 MiB through the S3 driver: RSS ${(before / MiB).toFixed(0)} MiB before, peak growth ${(growth / MiB).toFixed(1)} MiB`);
      expect(growth, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`).toBeLessThan(64 * MiB);
    });
  });
});
