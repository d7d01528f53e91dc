/** Conformance cases for the StatsStore (metrics' aggregates), run inside describeMetadataStoreConformance against every implementation. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { RepositoryRecord } from '../../src/metadata/registry-store.js';
import type { MetadataStore } from '../../src/metadata/store.js';
import { OCI_MANIFEST } from '../support/media-types.js';
import { at, digest, t0 } from './conformance-helpers.js';

export function describeStatsStoreConformance(current: () => { store: MetadataStore; repo: RepositoryRecord }): void {
  describe('stats store', () => {
    let store: MetadataStore;
    let repo: RepositoryRecord;
    beforeEach(() => {
      ({ store, repo } = current());
    });

    /** A manifest of `content` bytes referencing `blobs` (linked first, as a push does). */
    async function put(repositoryId: number, n: number, blobs: { digest: string; size: number }[], content = 100): Promise<void> {
      for (const blob of blobs) await store.registry.linkBlob(repositoryId, blob, t0);
      await store.registry.putManifest({
        repositoryId,
        digest: digest(1000 + n),
        mediaType: OCI_MANIFEST,
        content: Buffer.alloc(content, 'x'),
        imageSize: blobs.reduce((sum, b) => sum + b.size, 0),
        blobs,
        children: [],
        now: t0,
        events: [],
      });
    }

    it('sums each repository once per distinct blob plus its manifests, largest first, with totals over all', async () => {
      const shared = { digest: digest(1), size: 1_000 };
      const big = { digest: digest(2), size: 50_000 };
      // team/app: two manifests sharing one layer: 1,000 once + 50,000 + two manifests of 100.
      await put(repo.id, 1, [shared, big]);
      await put(repo.id, 2, [shared]);
      const other = await store.registry.createRepository({ accountId: '999988887777', name: 'tools', now: t0 }, []);
      await put(other.id, 3, [shared], 200);
      await store.registry.createRepository({ accountId: '999988887777', name: 'empty', now: t0 }, []);

      const all = await store.stats.repositoryUsage(10);
      expect(all.top).toEqual([
        { accountId: '111122223333', name: 'team/app', images: 2, bytes: 51_200 },
        { accountId: '999988887777', name: 'tools', images: 1, bytes: 1_200 },
        { accountId: '999988887777', name: 'empty', images: 0, bytes: 0 },
      ]);
      expect(all).toMatchObject({ repositories: 3, images: 3, bytes: 52_400 });

      const one = await store.stats.repositoryUsage(1);
      expect(one.top.map((r) => r.name)).toEqual(['team/app']);
      expect(one).toMatchObject({ repositories: 3, images: 3, bytes: 52_400 });
      const none = await store.stats.repositoryUsage(0);
      expect(none).toEqual({ top: [], repositories: 3, images: 3, bytes: 52_400 });

      // Blobs count once in storage however many repositories hold them.
      expect(await store.stats.blobTotals()).toEqual({ blobs: 2, bytes: 51_000 });
    });

    it('answers zeros for an empty registry', async () => {
      await store.registry.deleteRepository(repo.id, { force: true, events: [] });
      const usage = await store.stats.repositoryUsage(5);
      expect(usage).toEqual({ top: [], repositories: 0, images: 0, bytes: 0 });
      expect(await store.stats.blobTotals()).toEqual({ blobs: 0, bytes: 0 });
      expect(await store.stats.uploadSessions()).toBe(0);
      expect(await store.stats.jobQueue(t0)).toEqual([]);
    });

    it('counts open upload sessions', async () => {
      await store.registry.createUpload({ id: 'u1', repositoryId: repo.id, startedAt: t0, updatedAt: t0 });
      await store.registry.createUpload({ id: 'u2', repositoryId: repo.id, startedAt: t0, updatedAt: t0 });
      expect(await store.stats.uploadSessions()).toBe(2);
      await store.registry.deleteUpload('u1');
      expect(await store.stats.uploadSessions()).toBe(1);
    });

    it('splits the job queue by type into due, scheduled and running, with the oldest due time', async () => {
      await store.jobs.enqueue({ type: 'scan.image', payload: {}, runAt: at(10) }, at(0));
      await store.jobs.enqueue({ type: 'scan.image', payload: {}, runAt: at(20) }, at(0));
      await store.jobs.enqueue({ type: 'scan.image', payload: {}, runAt: at(500) }, at(0));
      await store.jobs.enqueue({ type: 'gc', payload: {}, runAt: at(5) }, at(0));
      const claimed = await store.jobs.claim(['gc'], 'n1', 60_000, at(30));
      const done = await store.jobs.enqueue({ type: 'lifecycle.run', payload: {}, runAt: at(0) }, at(0));
      const lifecycle = await store.jobs.claim(['lifecycle.run'], 'n1', 60_000, at(30));
      await store.jobs.complete(lifecycle!.id, 'n1', {}, at(31));
      expect(claimed).toBeDefined();
      expect(done).toBeDefined();

      expect(await store.stats.jobQueue(at(100))).toEqual([
        { type: 'gc', due: 0, scheduled: 0, running: 1 },
        { type: 'scan.image', due: 2, scheduled: 1, running: 0, oldestDueAt: at(10) },
      ]);
    });
  });
}
