/**
 * Measures `berth migrate` (not part of `npm run bench`, not a test): fills a single-node Berth
 * with COUNT images of one SIZE_MIB random layer each, starts a private PostgreSQL, and runs the
 * real command (dist/) under /usr/bin/time -v against the S3 server of BERTH_TEST_S3_* (a bucket
 * of its own, deleted after): prints the summary, wall time, MiB/s and peak resident memory, then
 * the time of a second run (nothing to do).
 *
 *   npm run build && source /tmp/shared-rgw/env && npx tsx bench/repro/migrate-throughput.ts COUNT SIZE_MIB
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startPostgres } from '../../test/engines/postgres.js';
import { startBerth } from '../../test/iam/integration/harness.js';
import { blob, image } from '../../test/support/oci.js';
import { tempDir, removeDir } from '../../test/support/temp.js';
import { createBucket, deleteBucket } from '../../test/storage/s3/helpers.js';
import { COMMON, MiB, destinationConfig, push } from '../../test/cli/postgres/migrate-world.js';
import { ALLOW_ALL_ECR } from '../../test/iam/integration/harness.js';

const s3 = { endpoint: process.env.BERTH_TEST_S3_ENDPOINT!, region: 'us-east-1', accessKeyId: process.env.BERTH_TEST_S3_ACCESS_KEY_ID!, secretAccessKey: process.env.BERTH_TEST_S3_SECRET_ACCESS_KEY! };
const [count, sizeMiB] = [Number(process.argv[2] ?? 4), Number(process.argv[3] ?? 64)];
const pg = await startPostgres();
const src = await tempDir('measure-src');
const dst = await tempDir('measure-dst');
const bucket = await createBucket(s3, 'measure');
try {
  const berth = await startBerth(src, COMMON);
  const auth = await berth.login(await berth.user(COMMON.accountId, 'm', { all: ALLOW_ALL_ECR }));
  for (let i = 0; i < count; i++) {
    const built = image({ layers: [blob(randomBytes(sizeMiB * MiB))] });
    await push(berth, auth, 'bulk/app', `v${i}`, built.manifest, built.mediaType, built.blobs);
  }
  await berth.close();
  const url = await pg.createDatabase('measure');
  const file = join(dst, 'd.yaml');
  await writeFile(file, stringify(destinationConfig(dst, url, s3, bucket)));
  const t0 = Date.now();
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, 'bin/berth.js', 'migrate', '--data', src, '--to', file], { encoding: 'utf8' });
  const secs = (Date.now() - t0) / 1000;
  console.log(r.stdout.split('\n').filter((l) => l.startsWith('blobs') || l.startsWith('tables') || l.startsWith('complete')).join('\n'));
  console.log(r.stderr.split('\n').filter((l) => /Maximum resident|Elapsed|blobs:/.test(l)).slice(-4).join('\n'));
  console.log(`wall ${secs.toFixed(1)} s, ${((count * sizeMiB) / secs).toFixed(0)} MiB/s`);
  const t1 = Date.now();
  const r2 = spawnSync('/usr/bin/time', ['-v', process.execPath, 'bin/berth.js', 'migrate', '--data', src, '--to', file], { encoding: 'utf8' });
  console.log(r2.stdout.split('\n').filter((l) => l.startsWith('already')).join('\n'), `rerun ${(Date.now() - t1) / 1000} s`);
} finally {
  await deleteBucket(s3, bucket).catch(() => undefined);
  await pg.stop();
  await removeDir(src);
  await removeDir(dst);
}
