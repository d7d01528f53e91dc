import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import type { PutManifestInput, RepositoryRecord } from '../../src/metadata/registry-store.js';
import type { MetadataStore } from '../../src/metadata/store.js';
import { OCI_INDEX, OCI_MANIFEST } from '../support/media-types.js';
import { describeEcrStoreConformance } from './ecr-store-conformance.js';
import { describeAuditStoreConformance } from './audit-store-conformance.js';
import { describeDeploymentStoreConformance } from './deployment-store-conformance.js';
import { describeIamStoreConformance } from './iam-store-conformance.js';
import { describeLifecycleStoreConformance } from './lifecycle-store-conformance.js';
import { describeNulTextConformance } from './nul-text-conformance.js';
import { describeScanStoreConformance } from './scan-store-conformance.js';
import { describeStatsStoreConformance } from './stats-store-conformance.js';
import { describeVulnDbStoreConformance } from './vulndb-store-conformance.js';
import { at, codeOf, digest, registryTestEvent, t0 } from './conformance-helpers.js';

const ACCOUNT = '111122223333';
const TEAM_APP = { accountId: ACCOUNT, name: 'team/app' };
/** A tag.deleted event of team/app; the outbox cases tell theirs apart by the tag. */
const tagDeleted = (tag: string) => registryTestEvent('tag.deleted', TEAM_APP, { tag });
const imagePushed = (tag: string) => registryTestEvent('image.pushed', TEAM_APP, { digest: digest(100), tag, mediaType: OCI_MANIFEST, artifactType: null });

/**
 * The metadata-store contract, run against every implementation (SQLite and PostgreSQL) so the
 * registry services behave the same on either.
 */
export function describeMetadataStoreConformance(name: string, open: () => Promise<MetadataStore>): void {
  describe(`metadata store conformance: ${name}`, () => {
    let store: MetadataStore;
    let repo: RepositoryRecord;

    beforeEach(async () => {
      store = await open();
      repo = await store.registry.createRepository({ accountId: ACCOUNT, name: 'team/app', now: t0 }, []);
    });
    afterEach(async () => {
      await store.close();
    });

    function manifest(overrides: Partial<PutManifestInput> = {}): PutManifestInput {
      return {
        repositoryId: repo.id,
        digest: digest(100),
        mediaType: OCI_MANIFEST,
        content: Buffer.from('{"schemaVersion":2}'),
        imageSize: 30,
        blobs: [
          { digest: digest(1), size: 10 },
          { digest: digest(2), size: 20 },
        ],
        children: [],
        now: t0,
        events: [],
        ...overrides,
      };
    }

    const current = () => ({ store, repo });
    describeEcrStoreConformance(current);
    describeLifecycleStoreConformance(current);
    describeIamStoreConformance(current);
    describeAuditStoreConformance(current);
    describeScanStoreConformance(current);
    describeNulTextConformance(current);
    describeVulnDbStoreConformance(current);
    describeStatsStoreConformance(current);
    describeDeploymentStoreConformance(current);

    async function linkBlobs(): Promise<void> {
      await store.registry.linkBlob(repo.id, { digest: digest(1), size: 10 }, t0);
      await store.registry.linkBlob(repo.id, { digest: digest(2), size: 20 }, t0);
    }

    describe('repositories', () => {
      it('creates with defaults and refuses a duplicate name in the same account', async () => {
        expect(repo).toMatchObject({ accountId: ACCOUNT, name: 'team/app', imageTagMutability: 'MUTABLE', public: false });
        expect(await codeOf(store.registry.createRepository({ accountId: ACCOUNT, name: 'team/app', now: t0 }, [])))
          .toBe('RepositoryAlreadyExists');
        const other = await store.registry.createRepository({ accountId: '999988887777', name: 'team/app', now: t0 }, []);
        expect(other.id).not.toBe(repo.id);
      });

      it('ensureRepository returns the existing one or creates it once', async () => {
        expect((await store.registry.ensureRepository({ accountId: ACCOUNT, name: 'team/app', now: t0 }, [])).id).toBe(repo.id);
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            store.registry.ensureRepository({ accountId: ACCOUNT, name: 'new/one', now: t0 }, [registryTestEvent('repository.created', { accountId: ACCOUNT, name: 'new/one' }, { createdBy: 'push' })]),
          ),
        );
        expect(new Set(results.map((r) => r.id)).size).toBe(1);
        const events = await store.events.list({ type: 'repository.created', limit: 100 });
        expect(events).toHaveLength(1);
      });

      it('lists by name with pagination', async () => {
        for (const n of ['b', 'a', 'c/d', 'c']) await store.registry.createRepository({ accountId: ACCOUNT, name: n, now: t0 }, []);
        const first = await store.registry.listRepositories(ACCOUNT, { limit: 2 });
        expect(first.items.map((r) => r.name)).toEqual(['a', 'b']);
        expect(first.next).toBe('b');
        const second = await store.registry.listRepositories(ACCOUNT, { after: first.next, limit: 10 });
        expect(second.items.map((r) => r.name)).toEqual(['c', 'c/d', 'team/app']);
        expect(second.next).toBeUndefined();
      });

      it('updates settings', async () => {
        const updated = await store.registry.updateRepository(repo.id, {
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
          public: true,
          scanOnPush: true,
          encryptionType: 'KMS',
          kmsKey: 'arn:aws:kms:us-east-1:111122223333:key/abc',
        });
        expect(updated).toMatchObject({ imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', public: true, scanOnPush: true });
        expect((await store.registry.getRepositoryById(repo.id))?.imageTagMutabilityExclusionFilters).toEqual([
          { filterType: 'WILDCARD', filter: 'dev-*' },
        ]);
      });

      it('refuses to delete a repository with images unless forced, then removes everything in it', async () => {
        await linkBlobs();
        await store.registry.putManifest(manifest({ tag: 'v1' }));
        expect(await codeOf(store.registry.deleteRepository(repo.id, { force: false, events: [] }))).toBe('RepositoryNotEmpty');
        expect(await store.registry.deleteRepository(repo.id, { force: true, events: [registryTestEvent('repository.deleted', TEAM_APP, { force: true })] })).toBe(1);
        expect(await store.registry.getRepository(ACCOUNT, 'team/app')).toBeUndefined();
        expect(await store.registry.getRepositoryBlob(repo.id, digest(1))).toBeUndefined();
        expect(await store.events.list({ type: 'repository.deleted', limit: 10 })).toHaveLength(1);
      });
    });

    describe('blobs and uploads', () => {
      it('links, reads and unlinks blobs per repository', async () => {
        await store.registry.linkBlob(repo.id, { digest: digest(1), size: 10 }, t0);
        await store.registry.linkBlob(repo.id, { digest: digest(1), size: 10 }, t0);
        expect(await store.registry.getRepositoryBlob(repo.id, digest(1))).toEqual({ digest: digest(1), size: 10 });
        const other = await store.registry.createRepository({ accountId: ACCOUNT, name: 'other', now: t0 }, []);
        expect(await store.registry.getRepositoryBlob(other.id, digest(1))).toBeUndefined();
        expect(await store.registry.unlinkBlob(repo.id, digest(1))).toEqual({ outcome: 'unlinked' });
        expect(await store.registry.unlinkBlob(repo.id, digest(1))).toEqual({ outcome: 'missing' });
        expect(await store.registry.getRepositoryBlob(repo.id, digest(1))).toBeUndefined();
      });

      it('keeps the link of a blob a manifest of the repository references, naming a tagged one', async () => {
        await linkBlobs();
        await store.registry.putManifest(manifest({ digest: digest(100) }));
        await store.registry.putManifest(manifest({ digest: digest(101), tag: 'v1', content: Buffer.from('{"schemaVersion":2,"x":1}') }));
        expect(await store.registry.unlinkBlob(repo.id, digest(2))).toEqual({ outcome: 'referenced', manifest: digest(101), tag: 'v1' });
        expect(await store.registry.getRepositoryBlob(repo.id, digest(2))).toEqual({ digest: digest(2), size: 20 });
        // Another repository's manifests do not hold this repository's link.
        const other = await store.registry.createRepository({ accountId: ACCOUNT, name: 'other', now: t0 }, []);
        await store.registry.linkBlob(other.id, { digest: digest(2), size: 20 }, t0);
        expect(await store.registry.unlinkBlob(other.id, digest(2))).toEqual({ outcome: 'unlinked' });
      });

      it('tracks uploads and lists idle ones', async () => {
        await store.registry.createUpload({ id: 'u1', repositoryId: repo.id, startedAt: at(0), updatedAt: at(0) });
        await store.registry.createUpload({ id: 'u2', repositoryId: repo.id, startedAt: at(0), updatedAt: at(0) });
        await store.registry.touchUpload('u2', at(100));
        expect((await store.registry.getUpload('u1'))?.repositoryId).toBe(repo.id);
        expect((await store.registry.listUploadsUpdatedBefore(at(50), 10)).map((u) => u.id)).toEqual(['u1']);
        await store.registry.deleteUpload('u1');
        expect(await store.registry.getUpload('u1')).toBeUndefined();
      });
    });

    describe('manifests and tags', () => {
      it('refuses a manifest whose blobs are not linked, naming them, and writes nothing', async () => {
        await store.registry.linkBlob(repo.id, { digest: digest(1), size: 10 }, t0);
        const err = await store.registry.putManifest(manifest({ tag: 'v1', events: [imagePushed('v1')] })).catch((e) => e);
        expect(err).toBeInstanceOf(DomainError);
        expect(err.code).toBe('ManifestBlobUnknown');
        expect(err.detail).toEqual({ digests: [digest(2)] });
        expect(await store.registry.getManifest(repo.id, digest(100))).toBeUndefined();
        expect(await store.registry.resolveTag(repo.id, 'v1')).toBeUndefined();
        expect(await store.events.list({ limit: 10 })).toHaveLength(0);
      });

      it('refuses a descriptor size that differs from the stored blob', async () => {
        await linkBlobs();
        const wrong = manifest({ blobs: [{ digest: digest(1), size: 11 }] });
        expect(await codeOf(store.registry.putManifest(wrong))).toBe('ManifestInvalid');
      });

      it('stores a manifest with its tag and event; a re-push changes nothing', async () => {
        await linkBlobs();
        const first = await store.registry.putManifest(manifest({ tag: 'v1', events: [imagePushed('v1')] }));
        expect(first).toEqual({ created: true, tagChanged: true });
        const again = await store.registry.putManifest(manifest({ tag: 'v1', events: [imagePushed('v1')] }));
        expect(again).toEqual({ created: false, tagChanged: false });
        expect(await store.events.list({ type: 'image.pushed', limit: 10 })).toHaveLength(1);
        const stored = await store.registry.getManifest(repo.id, digest(100));
        expect(stored?.content.toString()).toBe('{"schemaVersion":2}');
        expect(stored).toMatchObject({ size: 19, imageSize: 30, mediaType: OCI_MANIFEST });
        expect(await store.registry.resolveTag(repo.id, 'v1')).toBe(digest(100));
      });

      it('moves a mutable tag and reports where it pointed; an immutable tag stays', async () => {
        await linkBlobs();
        await store.registry.putManifest(manifest({ tag: 'latest' }));
        const moved = await store.registry.putManifest(
          manifest({ digest: digest(101), content: Buffer.from('{"b":1}'), tag: 'latest' }),
        );
        expect(moved).toEqual({ created: true, tagChanged: true, previousTagDigest: digest(100) });
        expect(
          await codeOf(
            store.registry.putManifest(manifest({ digest: digest(102), content: Buffer.from('{"c":1}'), tag: 'latest', tagImmutable: true })),
          ),
        ).toBe('ImageTagAlreadyExists');
        expect(await store.registry.resolveTag(repo.id, 'latest')).toBe(digest(101));
        expect(await store.registry.getManifest(repo.id, digest(102))).toBeUndefined();
        // Re-tagging the same digest is not a move, so immutability does not object.
        expect(await store.registry.putManifest(manifest({ digest: digest(101), content: Buffer.from('{"b":1}'), tag: 'latest', tagImmutable: true })))
          .toEqual({ created: false, tagChanged: false });
      });

      it('requires index children and protects them from deletion while referenced', async () => {
        await linkBlobs();
        const index = manifest({
          digest: digest(200),
          mediaType: OCI_INDEX,
          blobs: [],
          children: [digest(100)],
          content: Buffer.from('{"index":1}'),
        });
        expect(await codeOf(store.registry.putManifest(index))).toBe('ManifestBlobUnknown');
        await store.registry.putManifest(manifest());
        await store.registry.putManifest(index);
        expect(await codeOf(store.registry.deleteManifest(repo.id, digest(100), []))).toBe('ImageReferencedByManifestList');
        expect(await store.registry.deleteManifest(repo.id, digest(200), [])).toEqual({ tags: [] });
        expect(await store.registry.deleteManifest(repo.id, digest(100), [])).toEqual({ tags: [] });
        expect(await store.registry.deleteManifest(repo.id, digest(100), [])).toBeUndefined();
      });

      it('deletes a manifest with its tags, or only a tag', async () => {
        await linkBlobs();
        await store.registry.putManifest(manifest({ tag: 'a' }));
        await store.registry.putManifest(manifest({ tag: 'b' }));
        expect(await store.registry.tagsOf(repo.id, digest(100))).toEqual(['a', 'b']);
        expect(await store.registry.deleteTag(repo.id, 'a', [tagDeleted('a')])).toBe(digest(100));
        expect(await store.registry.deleteTag(repo.id, 'a', [tagDeleted('a')])).toBeUndefined();
        expect(await store.events.list({ type: 'tag.deleted', limit: 10 })).toHaveLength(1);
        expect(await store.registry.deleteManifest(repo.id, digest(100), [])).toEqual({ tags: ['b'] });
        expect(await store.registry.resolveTag(repo.id, 'b')).toBeUndefined();
      });

      it('lists tags in lexical order with pagination', async () => {
        await linkBlobs();
        for (const tag of ['v10', 'v2', 'V1', 'latest', 'v1']) await store.registry.putManifest(manifest({ tag }));
        const first = await store.registry.listTags(repo.id, { limit: 3 });
        expect(first).toEqual({ items: ['V1', 'latest', 'v1'], next: 'v1' });
        expect(await store.registry.listTags(repo.id, { after: 'v1', limit: 3 })).toEqual({ items: ['v10', 'v2'] });
      });

      it('finds referrers by subject, filtered by artifact type', async () => {
        await linkBlobs();
        await store.registry.putManifest(manifest());
        const referrer = (n: number, artifactType: string) =>
          manifest({
            digest: digest(n),
            content: Buffer.from(`{"r":${n}}`),
            subjectDigest: digest(100),
            artifactType,
            annotations: { 'org.example': String(n) },
          });
        await store.registry.putManifest(referrer(301, 'application/vnd.example.sbom'));
        await store.registry.putManifest(referrer(302, 'application/vnd.example.sig'));
        const all = await store.registry.listReferrers(repo.id, digest(100), {});
        expect(all.map((r) => r.digest)).toEqual([digest(301), digest(302)]);
        expect(all[0]).toMatchObject({ artifactType: 'application/vnd.example.sbom', annotations: { 'org.example': '301' } });
        const sboms = await store.registry.listReferrers(repo.id, digest(100), { artifactType: 'application/vnd.example.sbom' });
        expect(sboms.map((r) => r.digest)).toEqual([digest(301)]);
        expect(await store.registry.listReferrers(repo.id, digest(999), {})).toEqual([]);
      });

      it('finds a manifest by tag or digest together with its repository in one lookup', async () => {
        await linkBlobs();
        await store.registry.putManifest(manifest({ tag: 'v1' }));
        const byTag = await store.registry.findManifest(ACCOUNT, 'team/app', { tag: 'v1' });
        expect(byTag?.repositoryId).toBe(repo.id);
        expect(byTag?.imageStatus).toBe('ACTIVE');
        expect(byTag?.manifest).toMatchObject({ digest: digest(100), repositoryId: repo.id, size: 19 });
        expect(byTag?.manifest?.content.toString()).toBe('{"schemaVersion":2}');
        const byDigest = await store.registry.findManifest(ACCOUNT, 'team/app', { digest: digest(100) });
        expect(byDigest?.manifest?.digest).toBe(digest(100));
        // The repository exists but the reference names nothing in it.
        expect(await store.registry.findManifest(ACCOUNT, 'team/app', { tag: 'nope' })).toEqual({ repositoryId: repo.id });
        expect(await store.registry.findManifest(ACCOUNT, 'team/app', { digest: digest(999) })).toEqual({ repositoryId: repo.id });
        // No such repository (or not in this account).
        expect(await store.registry.findManifest(ACCOUNT, 'team/none', { tag: 'v1' })).toBeUndefined();
        expect(await store.registry.findManifest('999988887777', 'team/app', { tag: 'v1' })).toBeUndefined();
      });

      it('answers lookups with every write made since, even right after the same lookup', async () => {
        await linkBlobs();
        const lookup = async (tag: string) => (await store.registry.findManifest(ACCOUNT, 'team/app', { tag }))?.manifest?.digest;
        expect(await lookup('v1')).toBeUndefined();
        await store.registry.putManifest(manifest({ tag: 'v1' }));
        expect(await lookup('v1')).toBe(digest(100));
        await store.registry.putManifest(manifest({ digest: digest(101), content: Buffer.from('{"b":1}'), tag: 'v1' }));
        expect(await lookup('v1')).toBe(digest(101));
        await store.registry.deleteTag(repo.id, 'v1', []);
        expect(await lookup('v1')).toBeUndefined();
        await store.registry.putManifest(manifest({ tag: 'v2' }));
        expect(await lookup('v2')).toBe(digest(100));
        await store.registry.deleteManifest(repo.id, digest(100), []);
        expect(await lookup('v2')).toBeUndefined();
        expect(await store.registry.findManifest(ACCOUNT, 'team/app', { digest: digest(100) })).toEqual({ repositoryId: repo.id });
      });

      it('records the latest pull time', async () => {
        await linkBlobs();
        await store.registry.putManifest(manifest());
        await store.registry.recordPulls([
          { repositoryId: repo.id, digest: digest(100), at: at(20) },
          { repositoryId: repo.id, digest: digest(100), at: at(10) },
        ]);
        expect((await store.registry.getManifest(repo.id, digest(100)))?.lastPulledAt).toEqual(at(20));
      });
    });

    describe('event outbox', () => {
      it('delivers events after a subscriber cursor, to one lease holder at a time', async () => {
        await store.events.append([tagDeleted('before')]);
        expect(await store.events.acquireCursor('scanner', 'node-a', 1000, at(0))).toBe(true);
        expect(await store.events.acquireCursor('scanner', 'node-b', 1000, at(0))).toBe(false);
        // A new subscriber starts after what already happened.
        expect(await store.events.readAfterCursor('scanner', 10)).toEqual([]);
        await store.events.append([tagDeleted('one'), tagDeleted('two')]);
        const batch = await store.events.readAfterCursor('scanner', 10);
        expect(batch.map((e) => e.payload.tag)).toEqual(['one', 'two']);
        expect(batch[0]).toMatchObject({ type: 'tag.deleted', accountId: ACCOUNT, occurredAt: t0, payload: { repositoryName: 'team/app', actor: 'test', tag: 'one' } });
        await store.events.advanceCursor('scanner', 'node-a', batch[0]!.id);
        expect((await store.events.readAfterCursor('scanner', 10)).map((e) => e.payload.tag)).toEqual(['two']);
        // Another owner cannot move the cursor; after the lease expires it can take over.
        await store.events.advanceCursor('scanner', 'node-b', batch[1]!.id);
        expect((await store.events.readAfterCursor('scanner', 10)).map((e) => e.payload.tag)).toEqual(['two']);
        expect(await store.events.acquireCursor('scanner', 'node-b', 1000, at(2))).toBe(true);
        await store.events.releaseCursor('scanner', 'node-b');
        expect(await store.events.acquireCursor('scanner', 'node-a', 1000, at(2))).toBe(true);
      });
    });

    describe('event outbox start position', () => {
      it('a subscriber that starts at the beginning sees events written before it existed', async () => {
        await store.events.append([tagDeleted('old-1'), tagDeleted('old-2')]);
        expect(await store.events.acquireCursor('audit', 'node-a', 1000, at(0), 'beginning')).toBe(true);
        expect((await store.events.readAfterCursor('audit', 10)).map((e) => e.payload.tag)).toEqual(['old-1', 'old-2']);
        // The start position matters only the first time: a known subscriber keeps its cursor.
        expect(await store.events.acquireCursor('late', 'node-a', 1000, at(0), 'end')).toBe(true);
        expect(await store.events.readAfterCursor('late', 10)).toEqual([]);
      });
    });

    describe('jobs', () => {
      it('deduplicates active jobs by key and claims due jobs oldest first', async () => {
        const a = await store.jobs.enqueue({ type: 'gc', payload: { x: 1 }, dedupeKey: 'gc', runAt: at(0) }, at(0));
        const again = await store.jobs.enqueue({ type: 'gc', payload: { x: 2 }, dedupeKey: 'gc', runAt: at(0) }, at(0));
        expect(again.id).toBe(a.id);
        await store.jobs.enqueue({ type: 'scan', payload: {}, runAt: at(60) }, at(0));
        expect(await store.jobs.claim(['scan'], 'n1', 1000, at(1))).toBeUndefined();
        const claimed = await store.jobs.claim(['gc', 'scan'], 'n1', 1000, at(1));
        expect(claimed).toMatchObject({ id: a.id, status: 'running', attempts: 1, leaseOwner: 'n1', payload: { x: 1 } });
        expect(await store.jobs.claim(['gc'], 'n2', 1000, at(1))).toBeUndefined();
        await store.jobs.complete(a.id, 'n1', { freed: 3 }, at(2));
        expect(await store.jobs.get(a.id)).toMatchObject({ status: 'succeeded', result: { freed: 3 } });
        const next = await store.jobs.enqueue({ type: 'gc', payload: {}, dedupeKey: 'gc', runAt: at(3) }, at(3));
        expect(next.id).not.toBe(a.id);
      });

      it('lets another node take a job whose lease expired, and only the owner finish it', async () => {
        const job = await store.jobs.enqueue({ type: 'scan', payload: {}, runAt: at(0) }, at(0));
        await store.jobs.claim(['scan'], 'dead-node', 1000, at(0));
        expect(await store.jobs.renewLease(job.id, 'other', 1000, at(0))).toBe(false);
        expect(await store.jobs.claim(['scan'], 'n2', 1000, at(0.5))).toBeUndefined();
        const taken = await store.jobs.claim(['scan'], 'n2', 1000, at(2));
        expect(taken).toMatchObject({ id: job.id, attempts: 2, leaseOwner: 'n2' });
        await store.jobs.complete(job.id, 'dead-node', {}, at(3));
        expect((await store.jobs.get(job.id))?.status).toBe('running');
        await store.jobs.fail(job.id, 'n2', 'boom', at(3), at(10));
        expect(await store.jobs.get(job.id)).toMatchObject({ status: 'queued', lastError: 'boom', runAt: at(10) });
        await store.jobs.claim(['scan'], 'n2', 1000, at(10));
        await store.jobs.fail(job.id, 'n2', 'final', at(11));
        expect(await store.jobs.get(job.id)).toMatchObject({ status: 'failed', lastError: 'final' });
        expect((await store.jobs.list({ status: 'failed', limit: 10 })).map((j) => j.id)).toEqual([job.id]);
      });
    });

    describe('garbage collection', () => {
      const lease = { owner: 'gc-a', ttl: 10_000 };
      // Blobs 1 and 2 are referenced by manifest 100; blob 3 is linked but unreferenced.
      async function garbageSetup(): Promise<void> {
        await linkBlobs();
        await store.registry.linkBlob(repo.id, { digest: digest(3), size: 30 }, t0);
        await store.registry.putManifest(manifest());
      }
      const candidates = async (usedBefore: Date, limit = 100) => {
        const found: string[] = [];
        let scanned = 0;
        let after: string | undefined;
        do {
          const page = await store.gc.scanUnreferenced({ after, limit, usedBefore });
          found.push(...page.candidates.map((c) => c.digest));
          scanned += page.scanned;
          after = page.next;
        } while (after !== undefined);
        return { found, scanned };
      };

      it('marks blobs no manifest references and nobody used since the cutoff, page by page', async () => {
        await garbageSetup();
        expect(await candidates(at(10))).toEqual({ found: [digest(3)], scanned: 3 });
        expect(await candidates(at(10), 1)).toEqual({ found: [digest(3)], scanned: 3 });
        // Used at t0 exactly: not before the cutoff.
        expect((await candidates(t0)).found).toEqual([]);
        const page = await store.gc.scanUnreferenced({ limit: 10, usedBefore: at(10) });
        expect(page.candidates).toEqual([{ digest: digest(3), size: 30, lastUsedAt: t0 }]);
        expect(page.next).toBeUndefined();
      });

      it('keeps blobs of index children and referrers, which are manifests of their own', async () => {
        await garbageSetup();
        await store.registry.linkBlob(repo.id, { digest: digest(4), size: 4 }, t0);
        await store.registry.putManifest(
          manifest({ digest: digest(300), content: Buffer.from('{"r":1}'), subjectDigest: digest(100), blobs: [{ digest: digest(4), size: 4 }] }),
        );
        await store.registry.putManifest(
          manifest({ digest: digest(200), mediaType: OCI_INDEX, blobs: [], children: [digest(100)], content: Buffer.from('{"i":1}') }),
        );
        expect((await candidates(at(10))).found).toEqual([digest(3)]);
        await store.registry.deleteManifest(repo.id, digest(300), []);
        expect((await candidates(at(10))).found).toEqual([digest(3), digest(4)]);
      });

      it('deletes rows only under its lease, and only while still unreferenced and unused', async () => {
        await garbageSetup();
        const opts = { owner: lease.owner, usedBefore: at(10), leaseValidUntil: at(5) };
        expect(await store.gc.deleteUnreferenced([digest(3)], opts)).toEqual([]);
        expect(await store.gc.acquireLeases([digest(1), digest(3)], lease.owner, lease.ttl, at(1))).toEqual([digest(1), digest(3)]);
        // A lease that would run out before `leaseValidUntil` is not good enough.
        expect(await store.gc.deleteUnreferenced([digest(3)], { ...opts, leaseValidUntil: at(20) })).toEqual([]);
        const deleted = await store.gc.deleteUnreferenced([digest(1), digest(3)], opts);
        expect(deleted).toEqual([{ digest: digest(3), size: 30, lastUsedAt: t0 }]);
        expect(await store.registry.getRepositoryBlob(repo.id, digest(3))).toBeUndefined();
        expect(await store.gc.hasBlob(digest(3))).toBe(false);
        expect(await store.gc.hasBlob(digest(1))).toBe(true);
        expect(await store.gc.totals()).toEqual({ blobs: 2, bytes: 30 });
      });

      it('a read vouches for a linked blob only when its last use is stale', async () => {
        await garbageSetup();
        const other = await store.registry.createRepository({ accountId: ACCOUNT, name: 'other', now: t0 }, []);
        expect(await store.gc.touchLinkedBlob(other.id, digest(3), at(100), at(50))).toBe(false);
        // Fresh enough (used at t0, stale only before t0): nothing moves.
        expect(await store.gc.touchLinkedBlob(repo.id, digest(3), at(100), t0)).toBe(true);
        expect((await candidates(at(10))).found).toEqual([digest(3)]);
        expect(await store.gc.touchLinkedBlob(repo.id, digest(3), at(100), at(50))).toBe(true);
        expect((await candidates(at(100))).found).toEqual([]);
        expect((await candidates(at(101))).found).toEqual([digest(3)]);
        // The new last use survives a concurrent delete attempt that read the old one.
        await store.gc.acquireLeases([digest(3)], lease.owner, lease.ttl, at(1));
        expect(await store.gc.deleteUnreferenced([digest(3)], { owner: lease.owner, usedBefore: at(10), leaseValidUntil: at(1) })).toEqual([]);
      });

      it('finishing a link refreshes the blob and releases the lease, reporting a takeover', async () => {
        await garbageSetup();
        expect(await store.gc.acquireWriterLease(digest(3), 'writer', 100_000, at(0))).toBe(true);
        expect(await store.gc.finishLinking(digest(3), 'writer', at(50))).toBe(true);
        expect((await candidates(at(50))).found).toEqual([]);
        expect(await store.gc.acquireLeases([digest(3)], 'gc', 1000, at(51))).toEqual([digest(3)]);
        expect(await store.gc.acquireWriterLease(digest(2), 'writer', 1000, at(60))).toBe(true);
        // The writer stalled past its lease and the sweep took the digest over.
        expect(await store.gc.acquireLeases([digest(2)], 'gc', 1000, at(62))).toEqual([digest(2)]);
        expect(await store.gc.finishLinking(digest(2), 'writer', at(63))).toBe(false);
      });

      it('writers share a digest with each other but not with the sweep', async () => {
        // Two commits of the same content at once are harmless: neither waits for the other.
        expect(await store.gc.acquireWriterLease(digest(4), 'w1', 1000, at(0))).toBe(true);
        expect(await store.gc.acquireWriterLease(digest(4), 'w2', 1000, at(0))).toBe(true);
        // While any writer is live, the sweep cannot take the digest…
        expect(await store.gc.acquireLeases([digest(4)], 'gc', 1000, at(0.5))).toEqual([]);
        expect(await store.gc.finishLinking(digest(4), 'w1', at(0.6))).toBe(true);
        expect(await store.gc.acquireLeases([digest(4)], 'gc', 1000, at(0.7))).toEqual([]);
        // …and a writer that died (kill -9) holds it back only until its lease lapses.
        expect(await store.gc.acquireLeases([digest(4)], 'gc', 1000, at(1.1))).toEqual([digest(4)]);
        // While the sweep holds it, writers wait.
        expect(await store.gc.acquireWriterLease(digest(4), 'w3', 1000, at(1.2))).toBe(false);
        await store.gc.releaseLeases([digest(4)], 'gc');
        expect(await store.gc.acquireWriterLease(digest(4), 'w3', 1000, at(1.3))).toBe(true);
      });

      it('leases exclude other owners until they expire or are released', async () => {
        expect(await store.gc.acquireLeases(['k1', 'k2'], 'a', 1000, at(0))).toEqual(['k1', 'k2']);
        expect(await store.gc.acquireLeases(['k1', 'k3'], 'b', 1000, at(0.5))).toEqual(['k3']);
        expect(await store.gc.acquireLeases(['k1'], 'a', 1000, at(0.5))).toEqual(['k1']);
        expect(await store.gc.renewLeases(['k1', 'k3'], 'a', 1000, at(1))).toEqual(['k1']);
        expect(await store.gc.acquireLeases(['k1'], 'b', 1000, at(1.4))).toEqual([]);
        // k2 lapsed at 1 s (its holder died); anyone may take it, and the old holder cannot renew it.
        expect(await store.gc.renewLeases(['k2'], 'a', 1000, at(1.2))).toEqual([]);
        expect(await store.gc.acquireLeases(['k2'], 'b', 1000, at(1.2))).toEqual(['k2']);
        expect(await store.gc.releaseLeases(['k1', 'k2'], 'a')).toEqual(['k1']);
        expect(await store.gc.acquireLeases(['k1'], 'b', 1000, at(1.3))).toEqual(['k1']);
        expect(await store.gc.pruneLeases(at(10))).toBe(3);
        expect(await store.gc.acquireLeases(['k1', 'k2', 'k3'], 'c', 1000, at(0))).toEqual(['k1', 'k2', 'k3']);
      });

      it('lists rows by digest range, references and upload rows', async () => {
        await garbageSetup();
        expect(await store.gc.blobDigestsBetween('sha256:', 'sha256:~')).toEqual([digest(1), digest(2), digest(3)]);
        expect(await store.gc.blobDigestsBetween(digest(2), digest(3))).toEqual([digest(2)]);
        expect(await store.gc.isReferenced(digest(1))).toBe(true);
        expect(await store.gc.isReferenced(digest(3))).toBe(false);
        await store.registry.createUpload({ id: 'u1', repositoryId: repo.id, startedAt: t0, updatedAt: t0 });
        expect(await store.gc.knownUploads(['u1', 'u2'])).toEqual(new Set(['u1']));
        expect(await store.gc.knownUploads([])).toEqual(new Set());
      });

      it('lists blob rows with their sizes a page at a time, and the manifests that reference a blob', async () => {
        await garbageSetup();
        expect(await store.gc.blobsAfter('', 2)).toEqual([
          { digest: digest(1), size: 10 },
          { digest: digest(2), size: 20 },
        ]);
        expect(await store.gc.blobsAfter(digest(2), 2)).toEqual([{ digest: digest(3), size: 30 }]);
        expect(await store.gc.blobsAfter(digest(3), 2)).toEqual([]);
        await store.registry.putManifest(manifest({ digest: digest(101), content: Buffer.from('{"other":1}') }));
        expect(await store.gc.manifestsReferencing(digest(1), 10)).toEqual([
          { accountId: ACCOUNT, repositoryName: 'team/app', manifestDigest: digest(100) },
          { accountId: ACCOUNT, repositoryName: 'team/app', manifestDigest: digest(101) },
        ]);
        expect(await store.gc.manifestsReferencing(digest(1), 1)).toHaveLength(1);
        expect(await store.gc.manifestsReferencing(digest(3), 10)).toEqual([]);
      });
    });
  });
}
