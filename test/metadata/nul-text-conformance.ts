/**
 * Conformance cases for text holding U+0000, run inside describeMetadataStoreConformance against
 * every implementation: PostgreSQL's TEXT cannot hold the character SQLite stores, so these are
 * the values (from valid caller input, feeds and images) that must come back byte-exact on both.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { OsvRecord } from '../../src/domain/osv.js';
import type { RepositoryRecord } from '../../src/metadata/registry-store.js';
import type { MetadataStore } from '../../src/metadata/store.js';
import { OCI_MANIFEST } from '../support/media-types.js';
import { at, digest, t0 } from './conformance-helpers.js';

const ACCOUNT = '111122223333';
/** A NUL, and the character the PostgreSQL encoding marks its values with, in one string. */
const N = 'a\u0000b';
const MARKED = '\u0001"a"';

export function describeNulTextConformance(current: () => { store: MetadataStore; repo: RepositoryRecord }): void {
  describe('text holding U+0000', () => {
    let store: MetadataStore;
    let repo: RepositoryRecord;
    beforeEach(() => {
      ({ store, repo } = current());
    });

    it('manifest media types, artifact types and annotations, and the referrers filter on them', async () => {
      const subject = digest(300);
      for (const [n, artifactType] of [[301, `application/x${N}`], [302, MARKED], [303, 'application/x']] as const) {
        await store.registry.putManifest({
          repositoryId: repo.id,
          digest: digest(n),
          mediaType: n === 301 ? `${OCI_MANIFEST}${N}` : OCI_MANIFEST,
          artifactType,
          subjectDigest: subject,
          annotations: { [`k${N}`]: `v${N}`, marked: MARKED },
          content: Buffer.from(`{"n":${n}}`),
          imageSize: 0,
          blobs: [],
          children: [],
          now: t0,
          events: [],
        });
      }
      const all = await store.registry.listReferrers(repo.id, subject, {});
      expect(all.map((r) => [r.digest, r.artifactType, r.mediaType])).toEqual([
        [digest(301), `application/x${N}`, `${OCI_MANIFEST}${N}`],
        [digest(302), MARKED, OCI_MANIFEST],
        [digest(303), 'application/x', OCI_MANIFEST],
      ]);
      expect(all[0]!.annotations).toEqual({ [`k${N}`]: `v${N}`, marked: MARKED });
      for (const artifactType of [`application/x${N}`, MARKED, 'application/x']) {
        expect((await store.registry.listReferrers(repo.id, subject, { artifactType })).map((r) => r.artifactType)).toEqual([artifactType]);
      }
      expect(await store.registry.listReferrers(repo.id, subject, { artifactType: `x${N}` })).toEqual([]);
      expect((await store.registry.getManifest(repo.id, digest(301)))!.mediaType).toBe(`${OCI_MANIFEST}${N}`);
    });

    it('pages repositories and tags after a bound holding U+0000 as in code point order', async () => {
      for (const name of ['p', 'p/q', 'pa']) await store.registry.createRepository({ accountId: ACCOUNT, name, now: t0 }, []);
      const names = async (after: string) => (await store.registry.listRepositories(ACCOUNT, { after, limit: 10 })).items.map((r) => r.name);
      expect(await names('p\u0000')).toEqual(['p/q', 'pa', 'team/app']);
      expect(await names('p/q\u0000z')).toEqual(['pa', 'team/app']);
      for (const tag of ['v', 'v1', 'w']) {
        await store.registry.putManifest({
          repositoryId: repo.id,
          digest: digest(400),
          mediaType: OCI_MANIFEST,
          content: Buffer.from('{}'),
          imageSize: 0,
          blobs: [],
          children: [],
          tag,
          now: t0,
          events: [],
        });
      }
      expect((await store.registry.listTags(repo.id, { after: 'v\u0000', limit: 10 })).items).toEqual(['v1', 'w']);
    });

    it('policy documents, lifecycle policies and previews, account settings', async () => {
      const document = `{"Sid":"${N}"}`;
      await store.iam.putRepositoryPolicy(repo.id, document, t0);
      expect(await store.iam.getRepositoryPolicy(repo.id)).toBe(document);
      await store.iam.putRegistryPolicy(ACCOUNT, document, t0);
      expect(await store.iam.getRegistryPolicy(ACCOUNT)).toBe(document);
      await store.iam.createAccount({ accountId: ACCOUNT, createdAt: t0 });
      await store.iam.createUser({ accountId: ACCOUNT, userName: 'ci', userId: 'AIDAEXAMPLE', path: '/', createdAt: t0 });
      await store.iam.putUserPolicy(ACCOUNT, 'ci', 'p', document, t0);
      expect((await store.iam.getUserPolicy(ACCOUNT, 'ci', 'p'))!.document).toBe(document);
      await store.iam.putAccountSetting(ACCOUNT, `s${N}`, N, t0);
      expect(await store.iam.getAccountSetting(ACCOUNT, `s${N}`)).toBe(N);
      expect(await store.iam.getAccountSetting(ACCOUNT, 's')).toBeUndefined();

      expect((await store.lifecycle.putPolicy(repo.id, `{"d":"${N}"}`, t0)).text).toBe(`{"d":"${N}"}`);
      expect((await store.lifecycle.getPolicy(repo.id))!.text).toBe(`{"d":"${N}"}`);
      const preview = await store.lifecycle.beginPreview(repo.id, `{"p":"${N}"}`, t0, t0);
      await store.lifecycle.failPreview(preview.id, `bad ${N}`, at(1));
      expect(await store.lifecycle.getPreview(repo.id)).toMatchObject({ text: `{"p":"${N}"}`, failure: `bad ${N}` });
    });

    it('audit records: every string field, and the filters on them', async () => {
      const entry = {
        at: at(1),
        accountId: ACCOUNT,
        actor: `arn:aws:iam::${ACCOUNT}:user/${N}`,
        action: `ecr:${N}`,
        resource: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/${N}`,
        outcome: 'denied' as const,
        sourceIp: N,
        requestId: MARKED,
        detail: { userAgent: N, [N]: [N] },
      };
      await store.audit.append([entry, { at: at(2), actor: 'anonymous', action: 'ecr:PutImage', outcome: 'succeeded' }]);
      const listed = await store.audit.list({ action: `ecr:${N}`, limit: 10 });
      expect(listed).toEqual([{ ...entry, id: listed[0]!.id }]);
      expect(await store.audit.list({ action: 'ecr:a', limit: 10 })).toEqual([]);
    });

    it('vulnerability records from feeds, and lookups by names from images', async () => {
      const record: OsvRecord = {
        id: `GHSA-${N}`,
        modified: '2026-01-01T00:00:00Z',
        summary: N,
        affected: [{ package: { ecosystem: 'npm', name: `left${N}pad` }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }],
      };
      await store.vulnDb.importSource({ name: `feed${N}`, format: 'osv-dir', location: `/feeds/${N}` }, (async function* () {
        yield record;
      })(), { removeMissing: true, now: () => t0 });
      const found = await store.vulnDb.advisoriesFor([{ ecosystem: 'npm', name: `left${N}pad` }, { ecosystem: 'npm', name: 'left' }]);
      expect([...found.values()]).toEqual([[record], []]);
    });

    it('scan failures and findings', async () => {
      await store.registry.putManifest({
        repositoryId: repo.id,
        digest: digest(500),
        mediaType: OCI_MANIFEST,
        content: Buffer.from('{}'),
        imageSize: 0,
        blobs: [],
        children: [],
        now: t0,
        events: [],
      });
      const manifestId = (await store.registry.getManifest(repo.id, digest(500)))!.id;
      const request = () =>
        store.scans.requestScan({
          manifestId,
          repositoryId: repo.id,
          digest: digest(500),
          scanType: 'BASIC',
          now: t0,
          job: (generation) => ({ type: 'scan.image', payload: { manifestId, generation }, dedupeKey: `scan:${manifestId}:${generation}`, runAt: t0 }),
        });
      const first = await request();
      if (!first.started) throw new Error('the scan did not start');
      await store.scans.failScan({ manifestId, generation: first.generation, status: 'FAILED', description: `layer ${N}`, completedAt: at(1), events: [] });
      expect((await store.scans.getScan(manifestId))!.description).toBe(`layer ${N}`);

      const second = await request();
      if (!second.started) throw new Error('the second scan did not start');
      const finding = { key: `k${N}`, groupKey: `g${N}`, severity: 'HIGH', finding: { name: N, uri: MARKED } };
      await store.scans.completeScan({
        manifestId,
        generation: second.generation,
        scanType: 'BASIC',
        status: 'COMPLETE',
        description: `done ${N}`,
        completedAt: at(2),
        vulnDbVersion: 1,
        findings: [finding],
        severityCounts: { HIGH: 1 },
        enhancedSeverityCounts: {},
        mode: 'replace',
        events: () => [],
      });
      expect(await store.scans.listFindings(manifestId)).toMatchObject([{ key: finding.key, groupKey: finding.groupKey, finding: finding.finding }]);
      expect((await store.scans.getScan(manifestId))!.description).toBe(`done ${N}`);
    });
  });
}
