/**
 * Conformance cases for the LifecycleStore (policies, previews, image storage states), run inside
 * describeMetadataStoreConformance against every implementation.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import type { OutboxEvent } from '../../src/metadata/event-store.js';
import type { LifecyclePreviewResultRecord } from '../../src/metadata/lifecycle-store.js';
import type { PutManifestInput, RepositoryRecord } from '../../src/metadata/registry-store.js';
import type { MetadataStore } from '../../src/metadata/store.js';
import type { PendingStores } from './store-conformance.js';
import { OCI_INDEX, OCI_MANIFEST } from '../support/media-types.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  throw new Error('expected a DomainError');
}

function result(n: number, tags: string[], action: 'EXPIRE' | 'TRANSITION' = 'EXPIRE'): LifecyclePreviewResultRecord {
  return { imageDigest: digest(n), imageTags: tags, imagePushedAt: at(n), storageClass: 'STANDARD', appliedRulePriority: 1, action };
}

export function describeLifecycleStoreConformance(current: () => { store: MetadataStore; repo: RepositoryRecord }, pending: PendingStores): void {
  if (pending.includes('lifecycle')) return;
  let store: MetadataStore;
  let repo: RepositoryRecord;

  beforeEach(() => {
    ({ store, repo } = current());
  });

  /** Manifests 100 (tags b, a; pushed t0+1), 101 (untagged; t0+2), 102 (tag c; t0+3), index 200 of 100 and 101 (tag multi; t0+4). */
  async function seed(): Promise<void> {
    await store.registry.linkBlob(repo.id, { digest: digest(1), size: 10 }, t0);
    const put = (n: number, pushed: number, extra: Partial<PutManifestInput> = {}) =>
      store.registry.putManifest({
        repositoryId: repo.id,
        digest: digest(n),
        mediaType: OCI_MANIFEST,
        content: Buffer.from(`{"n":${n}}`),
        imageSize: 10,
        blobs: [{ digest: digest(1), size: 10 }],
        children: [],
        now: at(pushed),
        events: [],
        ...extra,
      });
    await put(100, 1, { tag: 'b' });
    await put(100, 1, { tag: 'a' });
    await put(101, 2);
    await put(102, 3, { tag: 'c' });
    await put(200, 4, { mediaType: OCI_INDEX, blobs: [], children: [digest(100), digest(101)], tag: 'multi' });
  }

  const archive = (n: number, when: Date, from: ('ACTIVE' | 'ARCHIVED' | 'ACTIVATING')[] = ['ACTIVE'], to: 'ARCHIVED' | 'ACTIVATING' | 'ACTIVE' = 'ARCHIVED') =>
    store.lifecycle.changeImageStatus(repo.id, digest(n), {
      from,
      to,
      at: when,
      // Opaque to the store: test types, not the registry's.
      events: (state) => [{ type: `test.${to.toLowerCase()}`, accountId: repo.accountId, occurredAt: when, payload: { status: state.status } } as unknown as OutboxEvent],
    });

  describe('lifecycle policies', () => {
    it('puts, replaces (keeping the last evaluation), lists and deletes policies; a repository takes its policy with it', async () => {
      expect(await store.lifecycle.getPolicy(repo.id)).toBeUndefined();
      await store.lifecycle.putPolicy(repo.id, 'first', at(1));
      await store.lifecycle.recordEvaluation(repo.id, at(2));
      const replaced = await store.lifecycle.putPolicy(repo.id, 'second', at(3));
      expect(replaced).toEqual({ repositoryId: repo.id, text: 'second', updatedAt: at(3), lastEvaluatedAt: at(2) });
      const other = await store.registry.createRepository({ accountId: repo.accountId, name: 'other/repo', now: t0 }, []);
      await store.lifecycle.putPolicy(other.id, 'other', at(4));
      expect((await store.lifecycle.listPolicies({ limit: 10 })).map((p) => p.text)).toEqual(['second', 'other']);
      expect((await store.lifecycle.listPolicies({ after: repo.id, limit: 10 })).map((p) => p.text)).toEqual(['other']);
      expect((await store.lifecycle.listPolicies({ limit: 1 })).map((p) => p.text)).toEqual(['second']);
      expect((await store.lifecycle.deletePolicy(repo.id))?.text).toBe('second');
      expect(await store.lifecycle.deletePolicy(repo.id)).toBeUndefined();
      await store.registry.deleteRepository(other.id, { force: true, events: [] });
      expect(await store.lifecycle.listPolicies({ limit: 10 })).toEqual([]);
    });
  });

  describe('lifecycle previews', () => {
    it('allows one preview in progress per repository, replacing an abandoned one', async () => {
      const first = await store.lifecycle.beginPreview(repo.id, 'policy', at(10), at(0));
      expect(first).toMatchObject({ repositoryId: repo.id, text: 'policy', status: 'IN_PROGRESS', startedAt: at(10) });
      expect(await codeOf(store.lifecycle.beginPreview(repo.id, 'again', at(11), at(0)))).toBe('LifecyclePolicyPreviewInProgress');
      // Started before staleBefore: abandoned, so a new one takes its place and the old id is dead.
      const second = await store.lifecycle.beginPreview(repo.id, 'again', at(20), at(15));
      expect(second.id).not.toBe(first.id);
      expect(await store.lifecycle.completePreview(first.id, [result(1, [])], at(21))).toBe(false);
      expect(await store.lifecycle.getPreviewById(first.id)).toBeUndefined();
      expect((await store.lifecycle.getPreview(repo.id))?.text).toBe('again');
    });

    it('stores results in order with totals, pages and filters them, and drops them with the next preview', async () => {
      const preview = await store.lifecycle.beginPreview(repo.id, 'policy', at(10), at(0));
      const results = [result(1, []), result(2, ['v2', 'latest']), result(3, ['v3'], 'TRANSITION'), result(4, [])];
      expect(await store.lifecycle.completePreview(preview.id, results, at(11))).toBe(true);
      expect(await store.lifecycle.getPreview(repo.id)).toMatchObject({
        status: 'COMPLETE',
        completedAt: at(11),
        expiringCount: 3,
        transitioningCount: 1,
      });
      // Completing twice is refused (it is no longer in progress).
      expect(await store.lifecycle.completePreview(preview.id, [], at(12))).toBe(false);

      const page1 = await store.lifecycle.listPreviewResults(preview.id, { limit: 2 });
      expect(page1.next).toBe(1);
      expect(page1.items.map((r) => [r.position, r.imageDigest, r.imageTags, r.action])).toEqual([
        [0, digest(1), [], 'EXPIRE'],
        [1, digest(2), ['v2', 'latest'], 'EXPIRE'],
      ]);
      expect(page1.items[1]).toMatchObject({ imagePushedAt: at(2), storageClass: 'STANDARD', appliedRulePriority: 1 });
      const page2 = await store.lifecycle.listPreviewResults(preview.id, { after: 1, limit: 2 });
      expect([page2.items.map((r) => r.position), page2.next]).toEqual([[2, 3], undefined]);

      const digestsOf = async (options: Parameters<MetadataStore['lifecycle']['listPreviewResults']>[1]) =>
        (await store.lifecycle.listPreviewResults(preview.id, options)).items.map((r) => r.imageDigest);
      expect(await digestsOf({ tagStatus: 'UNTAGGED', limit: 10 })).toEqual([digest(1), digest(4)]);
      expect(await digestsOf({ tagStatus: 'TAGGED', limit: 10 })).toEqual([digest(2), digest(3)]);
      expect(await digestsOf({ digests: [digest(4)], tags: ['latest'], limit: 10 })).toEqual([digest(2), digest(4)]);
      expect(await digestsOf({ digests: [], tags: ['absent'], limit: 10 })).toEqual([]);

      const next = await store.lifecycle.beginPreview(repo.id, 'policy', at(30), at(0));
      expect((await store.lifecycle.listPreviewResults(preview.id, { limit: 10 })).items).toEqual([]);
      await store.lifecycle.failPreview(next.id, 'boom', at(31));
      expect(await store.lifecycle.getPreview(repo.id)).toMatchObject({ status: 'FAILED', failure: 'boom', completedAt: at(31) });
    });
  });

  describe('image storage states', () => {
    it('loads every image with tags, pull time, referencing indexes and storage state in one read', async () => {
      await seed();
      await store.registry.recordPulls([{ repositoryId: repo.id, digest: digest(102), at: at(50) }]);
      await archive(102, at(60));
      const images = await store.lifecycle.loadImages(repo.id);
      const byDigest = new Map(images.map((i) => [i.digest, i]));
      expect(images).toHaveLength(4);
      expect(byDigest.get(digest(100))).toEqual({ digest: digest(100), tags: ['a', 'b'], pushedAt: at(1), status: 'ACTIVE', referencedBy: [digest(200)] });
      expect(byDigest.get(digest(101))).toEqual({ digest: digest(101), tags: [], pushedAt: at(2), status: 'ACTIVE', referencedBy: [digest(200)] });
      expect(byDigest.get(digest(102))).toEqual({
        digest: digest(102),
        tags: ['c'],
        pushedAt: at(3),
        lastPulledAt: at(50),
        status: 'ARCHIVED',
        lastArchivedAt: at(60),
      });
      expect(byDigest.get(digest(200))?.referencedBy).toBeUndefined();
    });

    it('moves images between statuses only from the allowed ones, stamping times and writing events atomically', async () => {
      await seed();
      const pullStatus = async () => (await store.registry.findManifest(repo.accountId, repo.name, { digest: digest(102) }))?.imageStatus;
      expect(await pullStatus()).toBe('ACTIVE');
      expect(await archive(102, at(10))).toEqual({ previous: 'ACTIVE', state: { status: 'ARCHIVED', lastArchivedAt: at(10) }, changed: true });
      // The pull path sees the archive (src/registry refuses to serve it).
      expect(await pullStatus()).toBe('ARCHIVED');
      // Not from ARCHIVED: nothing changes and no event is written.
      expect(await archive(102, at(11))).toEqual({ previous: 'ARCHIVED', state: { status: 'ARCHIVED', lastArchivedAt: at(10) }, changed: false });
      expect(await archive(102, at(20), ['ARCHIVED'], 'ACTIVATING')).toMatchObject({ state: { status: 'ACTIVATING', lastArchivedAt: at(10) } });
      expect(await archive(102, at(30), ['ACTIVATING'], 'ACTIVE')).toEqual({
        previous: 'ACTIVATING',
        state: { status: 'ACTIVE', lastArchivedAt: at(10), lastActivatedAt: at(30) },
        changed: true,
      });
      expect(await archive(999, at(40))).toBeUndefined();
      expect((await store.events.list({ limit: 10 })).map((e) => [e.type, e.payload.status])).toEqual([
        ['test.active', 'ACTIVE'],
        ['test.activating', 'ACTIVATING'],
        ['test.archived', 'ARCHIVED'],
      ]);
      const states = await store.lifecycle.imageStates(repo.id, [digest(102), digest(100), digest(999)]);
      expect([...states.entries()].sort()).toEqual([
        [digest(100), { status: 'ACTIVE' }],
        [digest(102), { status: 'ACTIVE', lastArchivedAt: at(10), lastActivatedAt: at(30) }],
      ]);
    });

    it('names the indexes that list an image, and forgets a deleted image state', async () => {
      await seed();
      await archive(200, at(10));
      expect(await store.lifecycle.referencingIndexes(repo.id, digest(100))).toEqual([{ digest: digest(200), status: 'ARCHIVED' }]);
      expect(await store.lifecycle.referencingIndexes(repo.id, digest(102))).toEqual([]);
      await archive(102, at(10));
      await store.registry.deleteManifest(repo.id, digest(102), []);
      await store.registry.putManifest({
        repositoryId: repo.id,
        digest: digest(102),
        mediaType: OCI_MANIFEST,
        content: Buffer.from('{"n":102}'),
        imageSize: 10,
        blobs: [{ digest: digest(1), size: 10 }],
        children: [],
        now: at(20),
        events: [],
      });
      expect((await store.lifecycle.imageStates(repo.id, [digest(102)])).get(digest(102))).toEqual({ status: 'ACTIVE' });
    });
  });
}
