/**
 * Conformance cases for the stores behind the ECR control plane (ImageStore, RepositoryTagStore),
 * run inside describeMetadataStoreConformance against every implementation.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { DomainError } from '../../src/domain/errors.js';
import type { OutboxEvent } from '../../src/metadata/event-store.js';
import type { ImageStatus, ImageStatusFilter, TagStatus } from '../../src/metadata/image-store.js';
import type { PutManifestInput, RepositoryRecord } from '../../src/metadata/registry-store.js';
import type { MetadataStore } from '../../src/metadata/store.js';
import type { PendingStores } from './store-conformance.js';
import { OCI_INDEX, OCI_MANIFEST } from '../support/media-types.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
/** Every image, whatever its tags and storage status. */
const ALL = { tagStatus: 'ANY', imageStatus: 'ANY' } as const;

export function describeEcrStoreConformance(current: () => { store: MetadataStore; repo: RepositoryRecord }, pending: PendingStores): void {
  let store: MetadataStore;
  let repo: RepositoryRecord;

  /** Manifests 100 (tags a, b; size 30), 101 (untagged; size 50), 102 (tag c; size 10), index 200 of 100 and 101 (tag multi). */
  async function seed(): Promise<void> {
    for (const [n, size] of [[1, 10], [2, 20], [3, 50], [4, 10]] as const) await store.registry.linkBlob(repo.id, { digest: digest(n), size }, t0);
    const put = (n: number, blobs: number[], imageSize: number, extra: Partial<PutManifestInput> = {}) =>
      store.registry.putManifest({
        repositoryId: repo.id,
        digest: digest(n),
        mediaType: OCI_MANIFEST,
        content: Buffer.from(`{"n":${n}}`),
        imageSize,
        blobs: blobs.map((b) => ({ digest: digest(b), size: b === 1 || b === 4 ? 10 : b === 2 ? 20 : 50 })),
        children: [],
        now: t0,
        events: [],
        ...extra,
      });
    await put(100, [1, 2], 30, { tag: 'b' });
    await put(100, [1, 2], 30, { tag: 'a' });
    await put(101, [3], 50);
    await put(102, [4], 10, { tag: 'c' });
    await put(200, [], 0, { mediaType: OCI_INDEX, children: [digest(100), digest(101)], tag: 'multi' });
  }

  const archive = (n: number, when: Date, from: ImageStatus[] = ['ACTIVE'], to: ImageStatus = 'ARCHIVED') =>
    store.lifecycle.changeImageStatus(repo.id, digest(n), { from, to, at: when, events: () => [] });

  beforeEach(() => {
    ({ store, repo } = current());
  });

  describe('images (ECR view)', () => {
    it('lists (digest, tag) pairs by tag status with a composite cursor', async () => {
      await seed();
      const all = await store.images.listImageIds(repo.id, { ...ALL, limit: 10 });
      expect(all).toEqual({
        items: [
          { digest: digest(100), tag: 'a' },
          { digest: digest(100), tag: 'b' },
          { digest: digest(101) },
          { digest: digest(102), tag: 'c' },
          { digest: digest(200), tag: 'multi' },
        ],
      });
      const first = await store.images.listImageIds(repo.id, { ...ALL, limit: 1 });
      expect(first).toEqual({ items: [{ digest: digest(100), tag: 'a' }], next: { digest: digest(100), tag: 'a' } });
      const next = await store.images.listImageIds(repo.id, { ...ALL, after: first.next, limit: 2 });
      expect(next).toEqual({ items: [{ digest: digest(100), tag: 'b' }, { digest: digest(101) }], next: { digest: digest(101) } });
      const afterUntagged = await store.images.listImageIds(repo.id, { ...ALL, after: next.next, limit: 10 });
      expect(afterUntagged.items.map((i) => i.digest)).toEqual([digest(102), digest(200)]);
      expect((await store.images.listImageIds(repo.id, { ...ALL, tagStatus: 'TAGGED', limit: 10 })).items).toHaveLength(4);
      expect((await store.images.listImageIds(repo.id, { ...ALL, tagStatus: 'UNTAGGED', limit: 10 })).items).toEqual([{ digest: digest(101) }]);
    });

    it.skipIf(pending.includes('lifecycle'))('describes images with tags, storage state, and an index at its largest child size', async () => {
      await seed();
      const page = await store.images.listImages(repo.id, { ...ALL, limit: 10 });
      expect(page.next).toBeUndefined();
      expect(page.items.map((i) => [i.digest, i.tags, i.reportedSize, i.status])).toEqual([
        [digest(100), ['a', 'b'], 30, 'ACTIVE'],
        [digest(101), [], 50, 'ACTIVE'],
        [digest(102), ['c'], 10, 'ACTIVE'],
        [digest(200), ['multi'], 50, 'ACTIVE'],
      ]);
      expect(page.items[0]).toMatchObject({ mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 9, imageSize: 30, pushedAt: t0 });
      const untagged = await store.images.listImages(repo.id, { ...ALL, tagStatus: 'UNTAGGED', limit: 10 });
      expect(untagged.items.map((i) => i.digest)).toEqual([digest(101)]);
      const second = await store.images.listImages(repo.id, { ...ALL, tagStatus: 'TAGGED', after: digest(100), limit: 1 });
      expect([second.items.map((i) => i.digest), second.next]).toEqual([[digest(102)], digest(102)]);
      await archive(102, at(10));
      const some = await store.images.getImages(repo.id, [digest(200), digest(999), digest(102)]);
      expect(some.sort((a, b) => a.digest.localeCompare(b.digest)).map((i) => [i.digest, i.status, i.lastArchivedAt])).toEqual([
        [digest(102), 'ARCHIVED', at(10)],
        [digest(200), 'ACTIVE', undefined],
      ]);
      expect(await store.images.getImages(repo.id, [])).toEqual([]);
    });

    it.skipIf(pending.includes('lifecycle'))('lists image ids and images per image status and tag status, with cursors', async () => {
      await seed();
      await archive(100, at(10));
      await archive(102, at(10));
      await archive(102, at(11), ['ARCHIVED'], 'ACTIVATING');
      const ids = (imageStatus: ImageStatusFilter, tagStatus: TagStatus = 'ANY', limit = 10) =>
        store.images.listImageIds(repo.id, { imageStatus, tagStatus, limit });
      expect(await ids('ARCHIVED')).toEqual({ items: [{ digest: digest(100), tag: 'a' }, { digest: digest(100), tag: 'b' }] });
      expect(await ids('ACTIVATING')).toEqual({ items: [{ digest: digest(102), tag: 'c' }] });
      expect(await ids('ACTIVE')).toEqual({ items: [{ digest: digest(101) }, { digest: digest(200), tag: 'multi' }] });
      expect(await ids('ACTIVE', 'UNTAGGED')).toEqual({ items: [{ digest: digest(101) }] });
      expect((await ids('ANY')).items).toHaveLength(5);
      expect(await ids('ARCHIVED', 'ANY', 1)).toEqual({ items: [{ digest: digest(100), tag: 'a' }], next: { digest: digest(100), tag: 'a' } });
      const after = await store.images.listImageIds(repo.id, { imageStatus: 'ARCHIVED', tagStatus: 'ANY', after: { digest: digest(100), tag: 'a' }, limit: 10 });
      expect(after.items).toEqual([{ digest: digest(100), tag: 'b' }]);

      const digests = async (imageStatus: ImageStatusFilter, tagStatus: TagStatus, after?: string, limit = 10) => {
        const page = await store.images.listImages(repo.id, { imageStatus, tagStatus, after, limit });
        return { digests: page.items.map((i) => i.digest), next: page.next };
      };
      expect(await digests('ACTIVE', 'ANY')).toEqual({ digests: [digest(101), digest(200)] });
      expect(await digests('ACTIVE', 'TAGGED')).toEqual({ digests: [digest(200)] });
      expect(await digests('ACTIVE', 'ANY', undefined, 1)).toEqual({ digests: [digest(101)], next: digest(101) });
      expect(await digests('ACTIVE', 'ANY', digest(101))).toEqual({ digests: [digest(200)] });
      expect(await digests('ARCHIVED', 'UNTAGGED')).toEqual({ digests: [] });
      expect(await digests('ANY', 'TAGGED')).toEqual({ digests: [digest(100), digest(102), digest(200)] });
      const activating = await store.images.listImages(repo.id, { imageStatus: 'ACTIVATING', tagStatus: 'ANY', limit: 10 });
      expect(activating.items.map((i) => [i.digest, i.status, i.lastArchivedAt])).toEqual([[digest(102), 'ACTIVATING', at(10)]]);
    });

    it('knows which blobs an image in the repository uses', async () => {
      await seed();
      await store.registry.linkBlob(repo.id, { digest: digest(9), size: 1 }, t0);
      expect(await store.images.isBlobReferenced(repo.id, digest(3))).toBe(true);
      expect(await store.images.isBlobReferenced(repo.id, digest(9))).toBe(false);
    });

    it('untags: the last tag takes the image, unless an index lists it; events follow the outcome', async () => {
      await seed();
      // Opaque to the store: test types, not the registry's.
      const events = (kind: string) => (): OutboxEvent[] => [{ type: `test.${kind}`, accountId: repo.accountId, occurredAt: t0, payload: {} } as unknown as OutboxEvent];
      expect(await store.images.untagImage(repo.id, 'c', events('c'))).toEqual({ digest: digest(102), imageDeleted: true });
      expect(await store.registry.getManifest(repo.id, digest(102))).toBeUndefined();
      expect(await store.images.untagImage(repo.id, 'a', events('a'))).toEqual({ digest: digest(100), imageDeleted: false });
      // 100's last tag goes, but index 200 lists it, so it stays (untagged).
      expect(await store.images.untagImage(repo.id, 'b', events('b'))).toEqual({ digest: digest(100), imageDeleted: false });
      expect(await store.registry.getManifest(repo.id, digest(100))).toBeDefined();
      expect(await store.images.untagImage(repo.id, 'absent', events('x'))).toBeUndefined();
      expect((await store.events.list({ limit: 10 })).map((e) => e.type)).toEqual(['test.b', 'test.a', 'test.c']); // newest first
    });
  });

  describe('repository resource tags', () => {
    it('stores tags with a new repository, upserts, removes and stops at the limit atomically', async () => {
      const created = await store.registry.createRepository(
        { accountId: repo.accountId, name: 'tagged/repo', now: t0, tags: [{ key: 'team', value: 'a' }] },
        [],
      );
      expect(await store.repositoryTags.getRepositoryTags(created.id)).toEqual([{ key: 'team', value: 'a' }]);
      await store.repositoryTags.tagRepository(created.id, [{ key: 'team', value: 'b' }, { key: 'env', value: '' }], 3);
      expect(await store.repositoryTags.getRepositoryTags(created.id)).toEqual([
        { key: 'env', value: '' },
        { key: 'team', value: 'b' },
      ]);
      let code: string | undefined;
      try {
        await store.repositoryTags.tagRepository(created.id, [{ key: 'team', value: 'c' }, { key: 'x', value: '1' }, { key: 'y', value: '2' }], 3);
      } catch (err) {
        code = (err as DomainError).code;
      }
      expect(code).toBe('TooManyTags');
      expect((await store.repositoryTags.getRepositoryTags(created.id)).find((t) => t.key === 'team')?.value).toBe('b');
      await store.repositoryTags.untagRepository(created.id, ['team', 'absent']);
      expect(await store.repositoryTags.getRepositoryTags(created.id)).toEqual([{ key: 'env', value: '' }]);
      expect(await store.repositoryTags.getRepositoryTags(repo.id)).toEqual([]);
      await store.registry.deleteRepository(created.id, { force: true, events: [] });
      expect(await store.repositoryTags.getRepositoryTags(created.id)).toEqual([]);
    });
  });
}
