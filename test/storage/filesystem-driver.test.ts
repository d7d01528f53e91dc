import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileWriter } from '../../src/storage/driver.js';
import { FilesystemDriver } from '../../src/storage/filesystem/driver.js';
import { describeDriverConformance } from './driver-conformance.js';

for (const fsync of [true, false]) {
  describeDriverConformance(`filesystem (fsync ${fsync ? 'on' : 'off'})`, async () => {
    const root = await mkdtemp(join(tmpdir(), 'berth-fs-'));
    return { driver: new FilesystemDriver({ root, fsync }), cleanup: () => rm(root, { recursive: true, force: true }) };
  });
}

describe('filesystem driver specifics', () => {
  it('leaves no temporary files behind after atomic puts', async () => {
    const root = await mkdtemp(join(tmpdir(), 'berth-fs-'));
    try {
      const driver = new FilesystemDriver({ root, fsync: false });
      await Promise.all(Array.from({ length: 10 }, (_, i) => driver.putContent('dir/obj', Buffer.from(String(i)))));
      expect(await readdir(join(root, 'dir'))).toEqual(['obj']);
    } finally {
      await rm(root, { recursive: true, force: true });
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
    const root = await mkdtemp(join(tmpdir(), 'berth-fs-'));
    try {
      // A flush every 256 KiB, so a 3 MiB write starts several while bytes are still arriving.
      await test(new FilesystemDriver({ root, fsync: true, checkpointBytes: 256 * 1024 }), root);
    } finally {
      await rm(root, { recursive: true, force: true });
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
