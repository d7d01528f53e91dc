/**
 * `berth migrate` interrupted (the real process, kill -9 while blobs are copied) and run again:
 * it continues where it stopped and ends with every table identical and every blob in the bucket,
 * verified; a third run has nothing to do. A source blob whose bytes do not match its digest is a
 * failure that leaves the destination without it, and a rerun after the file is repaired copies it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeImageScanFindingsCommand, PutRegistryScanningConfigurationCommand } from '@aws-sdk/client-ecr';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrate } from '../../../src/cli/migrate.js';
import { runVulnDbImport } from '../../../src/cli/vulndb.js';
import { BlobStore } from '../../../src/storage/blob-store.js';
import { type S3Coordinates, withPostgres, withS3 } from '../../engines/engines.js';
import { ALLOW_ALL_ECR, ROOT_KEY, type TestBerth, startBerth } from '../../iam/integration/harness.js';
import { alpineImage } from '../../scanning/integration/images.js';
import { eventually } from '../../scanning/integration/harness.js';
import { ensureBuilt } from '../../support/build.js';
import { sha256 } from '../../support/digest.js';
import { blob, image } from '../../support/oci.js';
import { BERTH_BIN, REPO_ROOT } from '../../support/paths.js';
import { emptyDatabase } from '../../support/postgres.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { fixturePath } from '../../scanning/helpers/vulndb.js';
import { createBucket, deleteBucket, s3Client, s3Driver } from '../../storage/s3/helpers.js';
import { COMMON, MiB, captureIo, fill, push, writeDestinationConfig } from './migrate-world.js';
import { expectTablesIdentical } from './migrate-tables.js';

const BULK = 16;

withS3((s3: S3Coordinates) => {
  withPostgres(({ url: server }) => {
    async function blobKeys(bucket: string): Promise<string[]> {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3Client(s3).send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((o) => o.Key!));
        token = page.NextContinuationToken;
      } while (token);
      return keys;
    }

    describe('berth migrate, interrupted and resumed', () => {
      let sourceDir: string;
      let destinationDir: string;
      let bucket: string;
      let databaseUrl: string;
      let destinationFile: string;

      beforeAll(async () => {
        sourceDir = await tempDir('migrate-resume-source');
        destinationDir = await tempDir('migrate-resume-destination');
        bucket = await createBucket(s3, 'migrate-resume');
        databaseUrl = await emptyDatabase(server);
        destinationFile = await writeDestinationConfig(destinationDir, databaseUrl, s3, bucket);
        const source: TestBerth = await startBerth(sourceDir, COMMON);
        try {
          await fill(source);
          const auth = await source.login(await source.user(COMMON.accountId, 'bulk', { all: ALLOW_ALL_ECR }));
          for (let i = 0; i < BULK; i++) {
            const built = image({ layers: [blob(randomBytes(4 * MiB))] });
            await push(source, auth, 'bulk/app', `v${i}`, built.manifest, built.mediaType, built.blobs);
          }
        } finally {
          await source.close();
        }
        // The vulnerability database too (its times are ISO text on SQLite, milliseconds on PostgreSQL)
        // and a scan with findings (their keys are BYTEA on PostgreSQL), an SBOM and its jobs.
        const imported = captureIo();
        expect(await runVulnDbImport(fixturePath('vulndb/alpine-secdb'), { data: sourceDir }, imported.io)).toBe(0);
        const scanning = await startBerth(sourceDir, COMMON);
        try {
          await scanning.app.startBackground();
          const ecr = scanning.ecr(ROOT_KEY);
          try {
            await ecr.send(
              new PutRegistryScanningConfigurationCommand({ scanType: 'ENHANCED', rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: 'alpine', filterType: 'WILDCARD' }] }] }),
            );
            const alpine = alpineImage('3.7.3');
            await push(scanning, await scanning.login(ROOT_KEY), 'alpine', '3.7.3', alpine.manifest, alpine.mediaType, alpine.blobs);
            await eventually(async () => {
              const page = await ecr
                .send(new DescribeImageScanFindingsCommand({ repositoryName: 'alpine', imageId: { imageTag: '3.7.3' } }))
                .catch((err: Error) => (err.name === 'ScanNotFoundException' ? undefined : Promise.reject(err)));
              return page?.imageScanFindings?.enhancedFindings?.length ? page : undefined;
            }, 'findings for alpine:3.7.3');
          } finally {
            ecr.destroy();
          }
        } finally {
          await scanning.close();
        }
        await ensureBuilt();
      });
      afterAll(async () => {
        await deleteBucket(s3, bucket).catch(() => undefined);
        await removeDir(sourceDir);
        await removeDir(destinationDir);
      });

      it('continues after kill -9 and ends identical; a third run has nothing to do', async () => {
        // The real command, killed as soon as a few blobs are in the bucket (blobs appear there only whole).
        const child = spawn(process.execPath, [BERTH_BIN, 'migrate', '--data', sourceDir, '--to', destinationFile], {
          cwd: REPO_ROOT,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
        let copiedBeforeKill = 0;
        while (child.exitCode === null) {
          copiedBeforeKill = (await blobKeys(bucket)).filter((k) => k.startsWith('blobs/')).length;
          if (copiedBeforeKill >= 3) {
            child.kill('SIGKILL');
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(await exited, stderr).toEqual({ code: null, signal: 'SIGKILL' });
        expect(stderr).toMatch(/table audit_log: \d+ rows copied/);

        const resumed = captureIo();
        expect(await runMigrate({ data: sourceDir, to: destinationFile }, resumed.io), resumed.err()).toBe(0);
        const summary = resumed.out();
        const counts = /blobs: (\d+) \(.*\): (\d+) copied \(.*\), (\d+) already there \(.*\), 0 failed/.exec(summary);
        expect(counts, summary).not.toBeNull();
        const [total, copied, skipped] = counts!.slice(1).map(Number) as [number, number, number];
        expect(skipped).toBeGreaterThanOrEqual(copiedBeforeKill);
        expect(copied).toBeGreaterThan(0);
        expect(copied + skipped).toBe(total);
        expect(summary).toMatch(/tables: 0 copied \(0 rows\), 33 already copied/);

        const rows = await expectTablesIdentical(join(sourceDir, 'metadata.db'), databaseUrl);
        expect(rows.vulndb_advisories).toBeGreaterThan(0);
        expect(rows.image_scan_findings).toBeGreaterThan(0);
        expect(rows.scan_sboms).toBeGreaterThan(0);
        expect(rows.manifests).toBeGreaterThan(BULK);

        // Every blob is in the bucket with its size, and its bytes hash to its digest; no upload is left behind.
        const store = new BlobStore(s3Driver(s3, { bucket }));
        const sourceBlobs = await listSourceBlobs(sourceDir);
        expect(sourceBlobs).toHaveLength(total);
        for (const { digest, size } of sourceBlobs) {
          const stream = await store.open(digest);
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(chunk as Buffer);
          const bytes = Buffer.concat(chunks);
          expect(bytes.length, digest).toBe(size);
          expect(sha256(bytes)).toBe(digest);
        }
        expect((await blobKeys(bucket)).filter((k) => !k.startsWith('blobs/'))).toEqual([]);

        const again = captureIo();
        expect(await runMigrate({ data: sourceDir, to: destinationFile }, again.io)).toBe(0);
        expect(again.out()).toContain('already complete: nothing to do');
      });
    });

    describe('berth migrate with a damaged source blob', () => {
      it('reports it, leaves it out, and copies it once the source is repaired', async () => {
        const sourceDir = await tempDir('migrate-damaged-source');
        const destinationDir = await tempDir('migrate-damaged-destination');
        const bucket = await createBucket(s3, 'migrate-damaged');
        try {
          const destinationFile = await writeDestinationConfig(destinationDir, await emptyDatabase(server), s3, bucket);
          const source = await startBerth(sourceDir, COMMON);
          const built = image({ layers: [blob(randomBytes(64 * 1024))] });
          try {
            await push(source, await source.login(await source.user(COMMON.accountId, 'one', { all: ALLOW_ALL_ECR })), 'one/app', 'v1', built.manifest, built.mediaType, built.blobs);
          } finally {
            await source.close();
          }
          const layer = built.layers[0]!;
          const file = join(sourceDir, 'storage', BlobStore.blobPath(layer.digest));
          const good = await readFile(file);
          const bad = Buffer.from(good);
          bad[100] = bad[100]! ^ 0xff;
          await writeFile(file, bad);

          const damaged = captureIo();
          expect(await runMigrate({ data: sourceDir, to: destinationFile }, damaged.io)).toBe(1);
          expect(damaged.out()).toContain(`${layer.digest}: the source file's bytes hash to ${sha256(bad)}`);
          expect(damaged.out()).toMatch(/blobs: 2 .*: 1 copied .* 1 failed/);
          const keys = await blobKeys(bucket);
          expect(keys.some((k) => k.endsWith(layer.digest.slice('sha256:'.length)))).toBe(false);
          expect(keys.filter((k) => !k.startsWith('blobs/'))).toEqual([]);

          await writeFile(file, good);
          const repaired = captureIo();
          expect(await runMigrate({ data: sourceDir, to: destinationFile }, repaired.io)).toBe(0);
          expect(repaired.out()).toMatch(/blobs: 2 .*: 1 copied .* 1 already there .* 0 failed/);
        } finally {
          await deleteBucket(s3, bucket).catch(() => undefined);
          await removeDir(sourceDir);
          await removeDir(destinationDir);
        }
      });
    });
  });
});

async function listSourceBlobs(dataDir: string): Promise<{ digest: string; size: number }[]> {
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(join(dataDir, 'metadata.db'), { readonly: true });
  try {
    return db.prepare('SELECT digest, size FROM blobs ORDER BY digest').all() as { digest: string; size: number }[];
  } finally {
    db.close();
  }
}
