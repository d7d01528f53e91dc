/**
 * `berth migrate` from a single-node Berth (SQLite + filesystem) onto PostgreSQL + S3 (Ceph RGW):
 * everything a client can read back is the same after the move, keys still authenticate, every
 * manifest and blob pulls byte-identical; a second run is a no-op; the command refuses a running
 * source, a destination that is not PostgreSQL + S3, and one that holds other data.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runMigrate } from '../../../src/cli/migrate.js';
import { COPIED_TABLES } from '../../../src/metadata/transfer/catalogue.js';
import { PostgresMetadataStore } from '../../../src/metadata/postgres/store.js';
import { type S3Coordinates, withPostgres, withS3 } from '../../engines/engines.js';
import { type TestBerth, startBerth } from '../../iam/integration/harness.js';
import { sha256 } from '../../support/digest.js';
import { emptyDatabase } from '../../support/postgres.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { createBucket, deleteBucket, s3Driver } from '../../storage/s3/helpers.js';
import { image } from '../../support/oci.js';
import { BlobStore } from '../../../src/storage/blob-store.js';
import { COMMON, type Filled, captureIo, destinationConfig, fill, push, snapshot, writeDestinationConfig } from './migrate-world.js';

const late = image();

withS3((s3: S3Coordinates) => {
  withPostgres(({ url: server }) => {
    describe('berth migrate: SQLite + filesystem -> PostgreSQL + S3', () => {
      let sourceDir: string;
      let destinationDir: string;
      let bucket: string;
      let databaseUrl: string;
      let destinationFile: string;
      let filled: Filled;
      let before: Record<string, unknown>;

      beforeAll(async () => {
        sourceDir = await tempDir('migrate-source');
        destinationDir = await tempDir('migrate-destination');
        bucket = await createBucket(s3, 'migrate');
        databaseUrl = await emptyDatabase(server);
        destinationFile = await writeDestinationConfig(destinationDir, databaseUrl, s3, bucket);
        const source = await startBerth(sourceDir, COMMON);
        try {
          filled = await fill(source);
          before = await snapshot(source);
        } finally {
          await source.close();
        }
      });
      afterAll(async () => {
        await deleteBucket(s3, bucket).catch(() => undefined);
        await removeDir(sourceDir);
        await removeDir(destinationDir);
      });

      it('refuses while a server has the source open', async () => {
        const running = await startBerth(sourceDir, COMMON);
        try {
          const run = captureIo();
          expect(await runMigrate({ data: sourceDir, to: destinationFile }, run.io)).toBe(2);
          expect(run.err()).toMatch(/metadata\.db is in use by another process: stop `berth serve`/);
          expect(run.out()).toBe('');
        } finally {
          await running.close();
        }
      });

      it('refuses a destination that is not PostgreSQL + S3', async () => {
        const file = join(destinationDir, 'sqlite.yaml');
        await writeFile(file, stringify({ dataDir: join(destinationDir, 'other') }));
        const run = captureIo();
        expect(await runMigrate({ data: sourceDir, to: file }, run.io)).toBe(2);
        expect(run.err()).toMatch(/must be PostgreSQL \+ S3 .* it is sqlite \+ filesystem/);
      });

      it('refuses a destination database that already holds data', async () => {
        const occupiedUrl = await emptyDatabase(server);
        const other = await PostgresMetadataStore.open({ url: occupiedUrl, poolSize: 1 });
        await other.iam.createAccount({ accountId: '999999999999', createdAt: new Date() });
        await other.close();
        const file = join(destinationDir, 'occupied.yaml');
        await writeFile(file, stringify(destinationConfig(join(destinationDir, 'occupied'), occupiedUrl, s3, bucket)));
        const run = captureIo();
        expect(await runMigrate({ data: sourceDir, to: file }, run.io)).toBe(2);
        expect(run.err()).toMatch(/already holds data \(iam_accounts\)/);
        const after = await PostgresMetadataStore.open({ url: occupiedUrl, poolSize: 1 });
        try {
          expect(await after.database.row(`SELECT to_regclass('berth_migrate_state') AS t`)).toEqual({ t: null });
        } finally {
          await after.close();
        }
      });

      it('copies every table and blob, and Berth on PostgreSQL + S3 answers as the source did', async () => {
        const run = captureIo();
        expect(await runMigrate({ data: sourceDir, to: destinationFile }, run.io), run.err()).toBe(0);
        const blobCount = new Set(filled.pushed.flatMap((p) => p.blobs.map((b) => b.digest))).size;
        expect(run.out()).toContain(`blobs: ${blobCount} (`);
        expect(run.out()).toMatch(new RegExp(`blobs: ${blobCount} \\(.*\\): ${blobCount} copied .* 0 already there .* 0 failed`));
        expect(run.out()).toMatch(new RegExp(`manifests\\s+${filled.pushed.length} rows`));
        expect(run.out()).toContain('uploads: upload sessions in progress are not moved');
        expect(run.err()).toMatch(/table iam_access_keys: \d+ rows copied/);
        expect(run.err()).toMatch(new RegExp(`blobs: ${blobCount}/${blobCount}`));
        // The destination had no keyring: it got the source's, so the sealed secrets open.
        expect(await readFile(join(destinationDir, 'keyring'), 'utf8')).toBe(await readFile(join(sourceDir, 'keyring'), 'utf8'));

        const destination = await startBerth(destinationDir, destinationConfig(destinationDir, databaseUrl, s3, bucket));
        try {
          expect(await snapshot(destination)).toEqual(before);
          await expectEverythingPulls(destination, filled);
        } finally {
          await destination.close();
        }
      });

      it('says so and copies nothing when run again', async () => {
        const run = captureIo();
        expect(await runMigrate({ data: sourceDir, to: destinationFile }, run.io)).toBe(0);
        expect(run.out()).toContain('already complete: nothing to do');
        expect(run.out()).toMatch(/tables: 0 copied \(0 rows\), 33 already copied/);
        expect(run.err()).not.toMatch(/rows copied/);
      });

      it('refuses a destination bucket that holds blobs the source does not have', async () => {
        const foreignBucket = await createBucket(s3, 'migrate-foreign');
        try {
          const foreign = Buffer.from('another deployment');
          await new BlobStore(s3Driver(s3, { bucket: foreignBucket })).driver.putContent(BlobStore.blobPath(sha256(foreign)), foreign);
          const url = await emptyDatabase(server);
          const file = join(destinationDir, 'foreign.yaml');
          await writeFile(file, stringify(destinationConfig(join(destinationDir, 'foreign'), url, s3, foreignBucket)));
          const run = captureIo();
          expect(await runMigrate({ data: sourceDir, to: file }, run.io)).toBe(2);
          expect(run.err()).toContain(`the destination bucket already holds blobs the source does not have (e.g. ${sha256(foreign)})`);
          // Nothing was copied: a later run into a fixed bucket starts clean.
          const store = await PostgresMetadataStore.open({ url, poolSize: 1 });
          try {
            expect(await store.database.row('SELECT 1 FROM repositories')).toBeUndefined();
          } finally {
            await store.close();
          }
        } finally {
          await deleteBucket(s3, foreignBucket);
        }
      });

      it('refuses to mix in another source', async () => {
        const otherDir = await tempDir('migrate-other');
        try {
          const other = await startBerth(otherDir, COMMON);
          await other.close();
          const run = captureIo();
          expect(await runMigrate({ data: otherDir, to: destinationFile }, run.io)).toBe(2);
          expect(run.err()).toMatch(/holds a migration from another source/);
        } finally {
          await removeDir(otherDir);
        }
      });

      it('refuses to overwrite a completed move once the source changed', async () => {
        const source = await startBerth(sourceDir, COMMON);
        try {
          await push(source, await source.login(filled.user), 'team/late', 'v1', late.manifest, late.mediaType, late.blobs);
        } finally {
          await source.close();
        }
        const run = captureIo();
        expect(await runMigrate({ data: sourceDir, to: destinationFile }, run.io)).toBe(2);
        expect(run.err()).toMatch(/the migration completed earlier, and the source changed since \(.*repositories.*\): the destination may be in use/);
        const destination = await startBerth(destinationDir, destinationConfig(destinationDir, databaseUrl, s3, bucket));
        try {
          // Untouched: no team/late (pull times moved with the earlier test's pulls).
          expect((await snapshot(destination)).repositories).toEqual(before.repositories);
        } finally {
          await destination.close();
        }
      });
    });
  });
});

/** Through /v2 with the migrated user's key: every manifest and blob, byte for byte; the referrer by its subject. */
async function expectEverythingPulls(berth: TestBerth, filled: Filled): Promise<void> {
  const auth = await berth.login(filled.user);
  for (const pushed of filled.pushed) {
    const byReference = await berth.v2('GET', `/v2/${pushed.name}/manifests/${pushed.reference}`, { auth, headers: { accept: pushed.mediaType } });
    expect(byReference.status, `${pushed.name}:${pushed.reference}`).toBe(200);
    expect(byReference.body.equals(pushed.manifest)).toBe(true);
    for (const b of pushed.blobs) {
      const got = await berth.v2('GET', `/v2/${pushed.name}/blobs/${b.digest}`, { auth });
      expect(got.status, b.digest).toBe(200);
      expect(sha256(got.body)).toBe(b.digest);
    }
  }
  const referrers = await berth.v2('GET', `/v2/${filled.referrer.name}/referrers/${filled.referrer.subject}`, { auth });
  expect(referrers.json<{ manifests: { digest: string }[] }>().manifests.map((m) => m.digest)).toEqual([filled.referrer.digest]);
  expect(COPIED_TABLES.length).toBe(33);
}
