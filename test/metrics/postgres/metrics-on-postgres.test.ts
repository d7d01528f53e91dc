/** GET /metrics with the metadata on PostgreSQL: the store gauges come from the same aggregate queries there. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GC_JOB } from '../../../src/gc/job.js';
import { withPostgres } from '../../engines/engines.js';
import { ACCOUNT_A, ROOT_KEY, type TestBerth, startBerth } from '../../iam/integration/harness.js';
import { pushImage } from '../../iam/integration/images.js';
import { postgresMetadataConfig } from '../../support/postgres.js';
import { mergeConfig } from '../../support/server.js';
import { parseExposition, valueOf } from '../exposition.js';

withPostgres(({ url }) => {
  let berth: TestBerth;
  beforeAll(async () => {
    berth = await startBerth(undefined, mergeConfig(await postgresMetadataConfig(url), { metrics: { topRepositories: 1, storeCacheSeconds: 0 } }));
  });
  afterAll(async () => {
    await berth?.close();
  });

  describe('metrics on PostgreSQL', () => {
    it('reports repository usage, the top one by name and the rest as __other__, and the job queue', async () => {
      const auth = await berth.login(ROOT_KEY);
      const big = await pushImage(berth, auth, 'team/app');
      await pushImage(berth, auth, 'team/app', 'v2');
      await pushImage(berth, auth, 'tools/small');
      await berth.app.jobs.enqueue(GC_JOB, {});

      const samples = parseExposition((await berth.v2('GET', '/metrics')).body.toString());
      expect(valueOf(samples, 'berth_repository_images', { account_id: ACCOUNT_A, repository: 'team/app' })).toBe(2);
      expect(valueOf(samples, 'berth_repository_images', { repository: '__other__' })).toBe(1);
      expect(valueOf(samples, 'berth_repository_storage_bytes', { repository: 'team/app' })).toBeGreaterThan(2 * big.manifest.length + 512);
      expect(valueOf(samples, 'berth_repositories')).toBe(2);
      expect(valueOf(samples, 'berth_blobs')).toBe(6);
      expect(valueOf(samples, 'berth_jobs', { type: 'gc', state: 'due' })).toBe(1);
      expect(valueOf(samples, 'berth_http_requests_total', { api: 'oci', operation: 'manifest.put', code: '201' })).toBe(3);
    });
  });
});
