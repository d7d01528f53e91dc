import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { runFsck } from '../../../src/cli/fsck.js';
import { runGc } from '../../../src/cli/gc.js';
import { BlobGuard } from '../../../src/gc/blob-guard.js';
import { BLOB_QUARANTINED_EVENT } from '../../../src/gc/quarantine.js';
import type { GcSummary } from '../../../src/gc/types.js';
import type { VerifyReport } from '../../../src/gc/verify.js';
import { PostgresMetadataStore } from '../../../src/metadata/postgres/store.js';
import { type Registry, createRegistry } from '../../../src/registry/index.js';
import { BlobStore } from '../../../src/storage/blob-store.js';
import { FilesystemDriver } from '../../../src/storage/filesystem/driver.js';
import { withPostgres } from '../../engines/engines.js';
import { freshDatabase } from '../../support/postgres.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { ACCOUNT, bytes, key, pullVerified, pushImage } from '../helpers/world.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

interface World {
  /** The data directory (blob storage) the commands are pointed at. */
  dir: string;
  url: string;
  store: PostgresMetadataStore;
  blobs: BlobStore;
  registry: Registry;
}

withPostgres(({ url: server }) => {
  /** Registry services on a database of the test's own and a filesystem store, as a node running beside the command has them. */
  async function withWorld(prefix: string, test: (world: World) => Promise<void>): Promise<void> {
    const dir = await tempDir(prefix);
    const url = await freshDatabase(server);
    const store = await PostgresMetadataStore.open({ url });
    try {
      const blobs = new BlobStore(new FilesystemDriver({ root: join(dir, 'storage'), fsync: false }));
      const registry = createRegistry({
        store,
        blobs,
        options: { createRepositoryOnPush: true, maxBlobBytes: 1024 ** 3 },
        log: pino({ level: 'silent' }),
        now: () => new Date(),
        guard: new BlobGuard(store.gc, { graceMs: 3_600_000 }),
      });
      await test({ dir, url, store, blobs, registry });
    } finally {
      await store.close();
      await removeDir(dir);
    }
  }

  describe('berth gc on PostgreSQL', () => {
    it('frees what no manifest references beside registry services working on the same database', async () => {
      await withWorld('gc-pg', async ({ dir, url, store, blobs, registry }) => {
        const gone = await pushImage({ registry }, 'team/app', [bytes(10_000, 'pg-gone')], 'old');
        const stays = await pushImage({ registry }, 'team/app', [bytes(20_000, 'pg-stays')], 'new');
        await registry.manifests.delete(key('team/app'), gone.digest, { actor: 'test' });

        const stdout = capture();
        const code = await runGc({ data: dir, grace: '0s', json: true }, { stdout: stdout.stream, stderr: capture().stream, env: { BERTH_POSTGRES_URL: url } });
        expect(code).toBe(0);
        const freed = gone.blobs.reduce((sum, b) => sum + b.size, 0);
        expect(JSON.parse(stdout.text()) as GcSummary).toMatchObject({ blobsDeleted: 2, blobBytesFreed: freed, remainingBlobs: 2 });
        for (const blob of gone.blobs) expect(await blobs.stat(blob.digest)).toBeUndefined();
        await pullVerified({ registry }, stays);
        expect((await store.events.list({ type: 'gc.completed', limit: 10 })).length).toBe(1);
      });
    });
  });

  describe('berth fsck on PostgreSQL', () => {
    it('re-hashes every blob the database lists, names the images a corrupted one breaks, and quarantines it', async () => {
      await withWorld('fsck-pg', async ({ dir, url, store, registry }) => {
        const world = { registry };
        const image = await pushImage(world, 'team/app', [bytes(300_000, 'pg-fsck-layer'), bytes(2_000, 'pg-fsck-small')], 'v1');
        await pushImage(world, 'team/other', [bytes(5_000, 'pg-fsck-other')], 'v1');
        const fsck = async (quarantine: boolean) => {
          const stdout = capture();
          const code = await runFsck({ data: dir, json: true, quarantine }, { stdout: stdout.stream, stderr: capture().stream, env: { BERTH_POSTGRES_URL: url } });
          return { code, report: JSON.parse(stdout.text()) as VerifyReport };
        };

        const clean = await fsck(false);
        expect(clean.code).toBe(0);
        expect(clean.report).toMatchObject({ blobsChecked: 5, blobsTotal: 5, problems: [] });

        const layer = image.blobs[1]!;
        const file = join(dir, 'storage', 'blobs', 'sha256', layer.digest.slice(7, 9), layer.digest.slice(7));
        // One byte flipped in place: the size is right, the content is not.
        const handle = await open(file, 'r+');
        try {
          const byte = Buffer.alloc(1);
          await handle.read(byte, 0, 1, 1000);
          byte[0] = byte[0]! ^ 0x01;
          await handle.write(byte, 0, 1, 1000);
        } finally {
          await handle.close();
        }

        const damaged = await fsck(true);
        expect(damaged.code).toBe(1);
        expect(damaged.report.problems).toEqual([
          expect.objectContaining({
            digest: layer.digest,
            kind: 'digest',
            quarantinedAs: `quarantine/sha256/${layer.digest.slice(7)}`,
            referencedBy: [{ accountId: ACCOUNT, repositoryName: 'team/app', manifestDigest: image.digest }],
          }),
        ]);
        const events = await store.events.list({ type: BLOB_QUARANTINED_EVENT, limit: 10 });
        expect(events.map((e) => e.payload)).toEqual([expect.objectContaining({ digest: layer.digest, detectedBy: 'fsck' })]);
      });
    });
  });
});
