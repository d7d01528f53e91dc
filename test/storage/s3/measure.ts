/**
 * Measures what the S3 driver's design rests on, against a real S3 server: streaming a blob in,
 * reading it back (what rebuilding an upload's hash on another node costs), and committing it
 * (move: CopyObject of a one-segment upload, or a multipart copy joining several segments).
 *
 *   npx tsx test/storage/s3/measure.ts [MiB]        (default 1024)
 *
 * Starts a private Ceph RGW (test/engines/ceph-rgw.ts), or uses BERTH_TEST_S3_ENDPOINT,
 * BERTH_TEST_S3_ACCESS_KEY_ID and BERTH_TEST_S3_SECRET_ACCESS_KEY when set.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { startCephRgw } from '../../engines/ceph-rgw.js';
import type { S3Coordinates } from '../../engines/engines.js';
import { createBucket, deleteBucket, s3Driver } from './helpers.js';

const MiB = 1024 * 1024;
const total = Number(process.argv[2] ?? 1024) * MiB;

/** `bytes` of data in 1 MiB chunks from an 8 MiB random pattern, each chunk stamped with its index. */
function source(bytes: number): Readable {
  const pattern = randomBytes(8 * MiB);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) return void this.push(null);
      const n = Math.min(MiB, bytes - sent);
      const chunk = Buffer.allocUnsafe(n);
      pattern.copy(chunk, 0, sent % (8 * MiB), (sent % (8 * MiB)) + n);
      chunk.writeUInt32BE(sent / MiB, 0);
      sent += n;
      this.push(chunk);
    },
  });
}

async function timed<T>(label: string, bytes: number, work: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = bytes > 0 ? `, ${(bytes / MiB / seconds).toFixed(0)} MiB/s` : '';
  console.log(`${label.padEnd(58)} ${seconds.toFixed(2)} s${rate}`);
  return result;
}

async function main(): Promise<void> {
  const rgw = process.env.BERTH_TEST_S3_ENDPOINT ? undefined : await startCephRgw();
  const s3: S3Coordinates = rgw ?? {
    endpoint: process.env.BERTH_TEST_S3_ENDPOINT!,
    region: process.env.BERTH_TEST_S3_REGION ?? 'us-east-1',
    accessKeyId: process.env.BERTH_TEST_S3_ACCESS_KEY_ID ?? '',
    secretAccessKey: process.env.BERTH_TEST_S3_SECRET_ACCESS_KEY ?? '',
  };
  const bucket = await createBucket(s3, 'measure');
  try {
    console.log(`${total / MiB} MiB against ${s3.endpoint}`);
    for (const partsInFlight of [1, 2]) {
      const driver = s3Driver(s3, { bucket }, { partsInFlight });
      await driver.putContent(`up${partsInFlight}/data`, Buffer.alloc(0));
      const writer = await driver.writer(`up${partsInFlight}/data`, { append: true });
      await timed(`stream in, 8 MiB parts, ${partsInFlight} in flight`, total, async () => {
        await pipeline(source(total), writer.stream);
        await writer.close();
      });
    }
    const driver = s3Driver(s3, { bucket });
    await driver.delete('up2/data');
    await timed('read back (rebuilding a hash elsewhere), node:crypto sha256', total, async () => {
      const hash = createHash('sha256');
      for await (const chunk of await driver.reader('up1/data')) hash.update(chunk as Buffer);
      return hash.digest('hex');
    });
    await timed('commit: move of a one-segment upload (CopyObject)', total, () => driver.move('up1/data', 'blobs/one'));

    // The same bytes as two segments (two PATCHes): the commit joins them with UploadPartCopy.
    const split = s3Driver(s3, { bucket });
    await split.putContent('up3/data', Buffer.alloc(0));
    for (const half of [total / 2, total - total / 2]) {
      const writer = await split.writer('up3/data', { append: true });
      await pipeline(source(half), writer.stream);
      await writer.close();
    }
    await timed('commit: move of a two-segment upload (UploadPartCopy)', total, () => split.move('up3/data', 'blobs/two'));
    await timed('move of a plain object (CopyObject)', total, () => split.move('blobs/two', 'blobs/three'));
    await timed('read of the copied blob', total, async () => {
      for await (const chunk of await driver.reader('blobs/three')) void chunk;
    });
  } finally {
    await deleteBucket(s3, bucket);
    await rgw?.stop();
  }
}

await main();
