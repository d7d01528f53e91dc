import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { runGc } from '../../../src/cli/gc.js';
import { BlobGuard } from '../../../src/gc/blob-guard.js';
import type { GcSummary } from '../../../src/gc/types.js';
import { PostgresMetadataStore } from '../../../src/metadata/postgres/store.js';
import { createRegistry } from '../../../src/registry/index.js';
import { BlobStore } from '../../../src/storage/blob-store.js';
import { FilesystemDriver } from '../../../src/storage/filesystem/driver.js';
import { withPostgres } from '../../engines/engines.js';
import { freshDatabase } from '../../support/postgres.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { bytes, key, pullVerified, pushImage } from '../helpers/world.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

withPostgres(({ url: server }) => {
  describe('berth gc on PostgreSQL', () => {
    it('frees what no manifest references beside registry services working on the same database', async () => {
      const dir = await tempDir('gc-pg');
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
      } finally {
        await store.close();
        await removeDir(dir);
      }
    });
  });
});
