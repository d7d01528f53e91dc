import { randomBytes } from 'node:crypto';
import { readdir, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FileWriter, ShortReadError } from '../../src/storage/driver.js';
import { FilesystemDriver } from '../../src/storage/filesystem/driver.js';
import { handsOverChunks } from '../../src/storage/handed-over.js';
import { releaseBuffer } from '../../src/storage/release-buffer.js';
import { removeDir, tempDir } from '../support/temp.js';
import { describeDriverConformance } from './driver-conformance.js';

for (const fsync of [true, false]) {
  describeDriverConformance(`filesystem (fsync ${fsync ? 'on' : 'off'})`, async () => {
    const root = await tempDir('fs');
    return {
      driver: new FilesystemDriver({ root, fsync }),
      another: () => new FilesystemDriver({ root, fsync }),
      cleanup: () => removeDir(root),
    };
  });
}

describe('filesystem driver specifics', () => {
  it('fails a reader with ShortReadError where a file truncated after it was opened runs out', async () => {
    const root = await tempDir('fs');
    try {
      const driver = new FilesystemDriver({ root, fsync: false });
      await driver.putContent('blob', randomBytes(3 * 1024 * 1024));
      const stream = await driver.reader('blob', { offset: 0, length: 3 * 1024 * 1024 });
      await truncate(join(root, 'blob'), 1024 * 1024 + 5);
      let received = 0;
      const failure = await (async () => {
        for await (const chunk of stream) received += (chunk as Buffer).length;
      })().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(ShortReadError);
      expect(failure).toMatchObject({ expected: 3 * 1024 * 1024, actual: received });
      expect(received).toBeLessThan(3 * 1024 * 1024);
    } finally {
      await removeDir(root);
    }
  });

  it('leaves no temporary files behind after atomic puts', async () => {
    const root = await tempDir('fs');
    try {
      const driver = new FilesystemDriver({ root, fsync: false });
      await Promise.all(Array.from({ length: 10 }, (_, i) => driver.putContent('dir/obj', Buffer.from(String(i)))));
      expect(await readdir(join(root, 'dir'))).toEqual(['obj']);
    } finally {
      await removeDir(root);
    }
  });
});

describe('filesystem writer checkpoints (background flushes while writing)', () => {
  const CHUNK = 64 * 1024;
  const chunks = Array.from({ length: 48 }, (_, i) => randomBytes(CHUNK).fill(i, 0, 1));
  const content = Buffer.concat(chunks);

  /** Writes every chunk, waiting for each to reach the file and checkpointing after it. */
  async function writeCheckpointed(writer: FileWriter, parts: Buffer[]): Promise<void> {
    for (const part of parts) {
      await new Promise<void>((resolve, reject) => writer.stream.write(part, (err) => (err ? reject(err) : resolve())));
      writer.checkpoint?.();
    }
  }

  async function withDriver(test: (driver: FilesystemDriver, root: string) => Promise<void>): Promise<void> {
    const root = await tempDir('fs');
    try {
      // A flush every 256 KiB, so a 3 MiB write starts several while bytes are still arriving.
      await test(new FilesystemDriver({ root, fsync: true, checkpointBytes: 256 * 1024 }), root);
    } finally {
      await removeDir(root);
    }
  }

  it('keeps every byte in order through commit, and across a close and a later append', async () => {
    await withDriver(async (driver) => {
      const first = await driver.writer('up/data');
      await writeCheckpointed(first, chunks.slice(0, 20));
      await first.close();
      const second = await driver.writer('up/data', { append: true });
      await writeCheckpointed(second, chunks.slice(20));
      await second.commit();
      expect(second.size).toBe(content.length);
      expect((await driver.getContent('up/data')).equals(content)).toBe(true);
    });
  });

  it('cancels cleanly while a flush may still be running, leaving nothing behind', async () => {
    await withDriver(async (driver, root) => {
      const writer = await driver.writer('gone/data');
      await writeCheckpointed(writer, chunks);
      await writer.cancel();
      expect(await driver.stat('gone/data')).toBeUndefined();
      expect(await readdir(join(root, 'gone'))).toEqual([]);
    });
  });
});

describe('filesystem writer with handed-over chunks', () => {
  async function withDriver(test: (driver: FilesystemDriver) => Promise<void>): Promise<void> {
    const root = await tempDir('fs');
    try {
      await test(new FilesystemDriver({ root, fsync: false }));
    } finally {
      await removeDir(root);
    }
  }

  it('frees each chunk once it is written, singly and in batches, and keeps every byte', async () => {
    await withDriver(async (driver) => {
      const chunks = Array.from({ length: 32 }, (_, i) => randomBytes(64 * 1024).fill(i, 0, 1));
      const content = Buffer.concat(chunks);
      const writer = await driver.writer('up/data', { handOver: true });
      await new Promise<void>((resolve, reject) => writer.stream.write(chunks[0], (err) => (err ? reject(err) : resolve())));
      expect(chunks[0]!.length).toBe(0);
      // Queued while the first write of the burst is in flight: written together with writev.
      for (const chunk of chunks.slice(1)) writer.stream.write(chunk);
      await writer.commit();
      expect(chunks.every((chunk) => chunk.length === 0)).toBe(true);
      expect((await driver.getContent('up/data')).equals(content)).toBe(true);
    });
  });

  it('leaves chunks alone when they were not handed over, or share their memory with other data', async () => {
    await withDriver(async (driver) => {
      const own = randomBytes(64 * 1024);
      const slice = randomBytes(128 * 1024).subarray(0, 64 * 1024);
      const copies = [Buffer.from(own), Buffer.from(slice)];
      const kept = await driver.writer('kept/data');
      kept.stream.write(Buffer.from(own));
      await new Promise<void>((resolve, reject) => kept.stream.write(own, (err) => (err ? reject(err) : resolve())));
      await kept.commit();
      expect(own.equals(copies[0]!)).toBe(true);

      const handed = await driver.writer('sliced/data', { handOver: true });
      await new Promise<void>((resolve, reject) => handed.stream.write(slice, (err) => (err ? reject(err) : resolve())));
      await handed.commit();
      expect(slice.equals(copies[1]!)).toBe(true);
      expect((await driver.getContent('sliced/data')).equals(copies[1]!)).toBe(true);
    });
  });
});

describe('filesystem reader chunks', () => {
  it('hands each chunk over: a consumer may free every one as it goes and still reads every byte', async () => {
    const root = await tempDir('fs');
    try {
      const driver = new FilesystemDriver({ root, fsync: false });
      const content = randomBytes(3 * 1024 * 1024 + 5000);
      await driver.putContent('blob', content);
      for (const range of [undefined, { offset: 1000, length: 2 * 1024 * 1024 }]) {
        const stream = await driver.reader('blob', range);
        expect(handsOverChunks(stream)).toBe(true);
        const seen: Buffer[] = [];
        for await (const chunk of stream) {
          seen.push(Buffer.from(chunk as Buffer));
          // Every chunk is a whole buffer of its own (the last one too), so each can be freed.
          expect(releaseBuffer(chunk as Buffer)).toBe(true);
        }
        const expected = range ? content.subarray(range.offset, range.offset + range.length) : content;
        expect(Buffer.concat(seen).equals(expected)).toBe(true);
      }
    } finally {
      await removeDir(root);
    }
  });
});
