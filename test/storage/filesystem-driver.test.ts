import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
