/**
 * Conformance cases for the ScanStore (registry scanning configurations, scan requests and their
 * jobs, generations, findings, SBOMs, re-scan candidates), run inside
 * describeMetadataStoreConformance against every implementation.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { RepositoryRecord } from '../../src/metadata/registry-store.js';
import type { NewFinding, ScanFailure, ScanRequest, ScanResult } from '../../src/metadata/scan-store.js';
import type { MetadataStore } from '../../src/metadata/store.js';
import { imageScanEvent } from '../../src/scanning/service/events.js';
import { OCI_CONFIG, OCI_INDEX, OCI_MANIFEST } from '../support/media-types.js';
import { at, digest, t0 } from './conformance-helpers.js';

const finding = (key: string, severity = 'HIGH', extra: Record<string, unknown> = {}): NewFinding => ({
  key,
  groupKey: key.split('/')[0]!,
  severity,
  finding: { key, ...extra },
});

function result(manifestId: number, generation: number, findings: NewFinding[], seconds: number, mode: 'replace' | 'track'): ScanResult {
  return {
    manifestId,
    generation,
    scanType: mode === 'track' ? 'ENHANCED' : 'BASIC',
    status: 'COMPLETE',
    description: 'done',
    completedAt: at(seconds),
    vulnDbVersion: 1,
    findings,
    severityCounts: { HIGH: findings.length },
    enhancedSeverityCounts: { HIGH: new Set(findings.map((f) => f.groupKey)).size },
    mode,
    events: () => [],
  };
}

export function describeScanStoreConformance(current: () => { store: MetadataStore; repo: RepositoryRecord }): void {
  describe('scan store', () => {
    let store: MetadataStore;
    let repo: RepositoryRecord;
    let counter: number;
    beforeEach(() => {
      ({ store, repo } = current());
      counter = 0;
    });

    async function manifest(options: { mediaType?: string; artifactType?: string; repositoryId?: number } = {}): Promise<{ id: number; digest: string }> {
      const d = digest(1000 + ++counter);
      const repositoryId = options.repositoryId ?? repo.id;
      await store.registry.putManifest({
        repositoryId,
        digest: d,
        mediaType: options.mediaType ?? OCI_MANIFEST,
        artifactType: options.artifactType ?? OCI_CONFIG,
        content: Buffer.from(`{"n":${counter}}`),
        imageSize: 0,
        blobs: [],
        children: [],
        now: t0,
        events: [],
      });
      return { id: (await store.registry.getManifest(repositoryId, d))!.id, digest: d };
    }

    const request = (image: { id: number; digest: string }, extra: Partial<ScanRequest> = {}): ScanRequest => ({
      manifestId: image.id,
      repositoryId: repo.id,
      digest: image.digest,
      scanType: 'BASIC',
      now: at(1),
      job: (generation) => ({ type: 'scan.image', payload: { manifestId: image.id, generation }, dedupeKey: `scan:${image.id}:${generation}`, runAt: at(1) }),
      ...extra,
    });

    const failure = (manifestId: number, generation: number): ScanFailure => ({
      manifestId,
      generation,
      status: 'FAILED',
      description: 'broken layer',
      completedAt: at(9),
      events: [],
    });

    it('keeps one registry scanning configuration per account, listed by account', async () => {
      const rules = [{ scanFrequency: 'CONTINUOUS_SCAN' as const, repositoryFilters: [{ filter: 'prod/*', filterType: 'WILDCARD' as const }] }];
      await store.scans.putRegistryConfig({ accountId: '222222222222', scanType: 'BASIC', rules: [], updatedAt: t0 });
      await store.scans.putRegistryConfig({ accountId: '111111111111', scanType: 'BASIC', rules: [], updatedAt: t0 });
      await store.scans.putRegistryConfig({ accountId: '111111111111', scanType: 'ENHANCED', rules, updatedAt: at(1) });
      expect(await store.scans.getRegistryConfig('111111111111')).toEqual({ accountId: '111111111111', scanType: 'ENHANCED', rules, updatedAt: at(1) });
      expect((await store.scans.listRegistryConfigs()).map((c) => c.accountId)).toEqual(['111111111111', '222222222222']);
      expect(await store.scans.getRegistryConfig('333333333333')).toBeUndefined();
    });

    it('queues the job with the request, and honours the never-scanned and quota conditions', async () => {
      const image = await manifest();
      expect(await store.scans.requestScan(request(image))).toEqual({ started: true, generation: 1 });
      const queued = await store.jobs.list({ type: 'scan.image', status: 'queued', limit: 100 });
      expect(queued.map((j) => [j.payload, j.dedupeKey])).toEqual([[{ manifestId: image.id, generation: 1 }, `scan:${image.id}:1`]]);
      expect(await store.scans.getScan(image.id)).toEqual({
        manifestId: image.id,
        repositoryId: repo.id,
        digest: image.digest,
        scanType: 'BASIC',
        status: 'IN_PROGRESS',
        generation: 1,
        requestedAt: at(1),
      });

      expect(await store.scans.requestScan(request(image, { onlyIfNeverScanned: true }))).toMatchObject({ started: false, existing: { generation: 1, status: 'IN_PROGRESS' } });
      // A running scan blocks a quota-bound request whatever the time; a finished one until the window passes.
      expect(await store.scans.requestScan(request(image, { now: at(10_000), quotaSince: at(5_000) }))).toMatchObject({ started: false });
      expect(await store.scans.completeScan(result(image.id, 1, [], 2, 'replace'))).toBe(true);
      expect(await store.scans.requestScan(request(image, { now: at(3), quotaSince: at(1) }))).toMatchObject({ started: false });
      expect(await store.scans.requestScan(request(image, { now: at(3), quotaSince: new Date(at(1).getTime() + 1), scanType: 'ENHANCED' }))).toEqual({
        started: true,
        generation: 2,
      });
      expect(await store.scans.getScan(image.id)).toMatchObject({ status: 'IN_PROGRESS', scanType: 'ENHANCED', generation: 2, requestedAt: at(3) });
      expect(await store.jobs.list({ type: 'scan.image', limit: 100 })).toHaveLength(2);
    });

    it('writes a result with its counts and facts, and ignores results and failures of a superseded generation', async () => {
      const image = await manifest();
      await store.scans.requestScan(request(image));
      await store.scans.requestScan(request(image));
      expect(await store.scans.completeScan(result(image.id, 1, [finding('CVE-1/a')], 5, 'replace'))).toBe(false);
      expect(await store.scans.failScan(failure(image.id, 1))).toBe(false);
      expect((await store.scans.getScan(image.id))?.status).toBe('IN_PROGRESS');
      expect(await store.scans.listFindings(image.id)).toEqual([]);

      const events: boolean[] = [];
      const written = {
        ...result(image.id, 2, [finding('CVE-1/a'), finding('CVE-1/b')], 6, 'replace'),
        vulnSourceUpdatedAt: at(4),
        image: { architecture: 'amd64', os: 'linux', platform: 'DEBIAN_12' },
        events: (changed: boolean) => {
          events.push(changed);
          return [
            imageScanEvent({
              accountId: repo.accountId,
              repositoryName: repo.name,
              digest: image.digest,
              tags: [],
              status: 'COMPLETE',
              scanType: 'BASIC',
              counts: { HIGH: 2 },
              reason: changed ? 'manual' : 'continuous', // tells the two results' events apart
              at: at(6),
            }),
          ];
        },
      };
      expect(await store.scans.completeScan(written)).toBe(true);
      expect(await store.scans.getScan(image.id)).toEqual({
        manifestId: image.id,
        repositoryId: repo.id,
        digest: image.digest,
        scanType: 'BASIC',
        status: 'COMPLETE',
        description: 'done',
        generation: 2,
        requestedAt: at(1),
        completedAt: at(6),
        vulnDbVersion: 1,
        vulnSourceUpdatedAt: at(4),
        severityCounts: { HIGH: 2 },
        enhancedSeverityCounts: { HIGH: 1 },
        image: { architecture: 'amd64', os: 'linux', platform: 'DEBIAN_12' },
      });
      // The same findings again: nothing changed; facts not given are kept.
      expect(await store.scans.completeScan({ ...written, image: undefined, completedAt: at(7) })).toBe(true);
      expect(events).toEqual([true, false]);
      expect((await store.scans.getScan(image.id))?.image).toEqual({ architecture: 'amd64', os: 'linux', platform: 'DEBIAN_12' });
      expect((await store.events.list({ type: 'image.scan.completed', limit: 10 })).map((e) => e.payload.reason)).toEqual(['continuous', 'manual']);
      expect((await store.scans.listFindings(image.id)).map((f) => [f.key, f.groupKey, f.position, f.status, f.severity, f.finding])).toEqual([
        ['CVE-1/a', 'CVE-1', 0, 'ACTIVE', 'HIGH', { key: 'CVE-1/a' }],
        ['CVE-1/b', 'CVE-1', 1, 'ACTIVE', 'HIGH', { key: 'CVE-1/b' }],
      ]);
    });

    it('tracks enhanced findings across evaluations: kept identity, changed content, closed and reopened', async () => {
      const image = await manifest();
      await store.scans.requestScan(request(image, { scanType: 'ENHANCED' }));
      const keys = async () =>
        (await store.scans.listFindings(image.id)).map((f) => [f.key, f.status, f.firstObservedAt.getTime(), f.lastObservedAt.getTime(), f.updatedAt.getTime()]);
      const ms = (seconds: number) => at(seconds).getTime();

      expect(await store.scans.completeScan(result(image.id, 1, [finding('CVE-1/a'), finding('CVE-2/a')], 100, 'track'))).toBe(true);
      let changed: boolean | undefined;
      await store.scans.completeScan({ ...result(image.id, 1, [finding('CVE-1/a'), finding('CVE-2/a')], 200, 'track'), events: (c) => ((changed = c), []) });
      expect(changed).toBe(false);
      expect(await keys()).toEqual([
        ['CVE-1/a', 'ACTIVE', ms(100), ms(200), ms(100)],
        ['CVE-2/a', 'ACTIVE', ms(100), ms(200), ms(100)],
      ]);

      await store.scans.completeScan({ ...result(image.id, 1, [finding('CVE-2/a', 'LOW'), finding('CVE-3/a')], 300, 'track'), events: (c) => ((changed = c), []) });
      expect(changed).toBe(true);
      expect(await keys()).toEqual([
        ['CVE-2/a', 'ACTIVE', ms(100), ms(300), ms(300)],
        ['CVE-3/a', 'ACTIVE', ms(300), ms(300), ms(300)],
        ['CVE-1/a', 'CLOSED', ms(100), ms(200), ms(300)],
      ]);

      await store.scans.completeScan(result(image.id, 1, [finding('CVE-1/a')], 400, 'track'));
      expect(await keys()).toEqual([
        ['CVE-1/a', 'ACTIVE', ms(100), ms(400), ms(400)],
        ['CVE-2/a', 'CLOSED', ms(100), ms(300), ms(400)],
        ['CVE-3/a', 'CLOSED', ms(300), ms(300), ms(400)],
      ]);
      // Nothing new: closed findings keep their times.
      await store.scans.completeScan({ ...result(image.id, 1, [finding('CVE-1/a')], 500, 'track'), events: (c) => ((changed = c), []) });
      expect(changed).toBe(false);
      expect((await keys()).slice(1)).toEqual([
        ['CVE-2/a', 'CLOSED', ms(100), ms(300), ms(400)],
        ['CVE-3/a', 'CLOSED', ms(300), ms(300), ms(400)],
      ]);
    });

    it('keeps finding keys as the scanner builds them: parts joined by NUL, any text', async () => {
      const image = await manifest();
      await store.scans.requestScan(request(image, { scanType: 'ENHANCED' }));
      const keys = ['dpkg\u0000libc6\u00002.36-9\u0000amd64\u0000var/lib/dpkg/status\u0000CVE-1', 'npm\u0000caf\u00e9\u00001.0\u0000\u0000app/\u00e9\u0000CVE-1'];
      await store.scans.completeScan(result(image.id, 1, keys.map((key) => ({ ...finding('CVE-1/x'), key })), 1, 'track'));
      await store.scans.completeScan(result(image.id, 1, [{ ...finding('CVE-1/x'), key: keys[1]! }], 2, 'track'));
      expect((await store.scans.listFindings(image.id)).map((f) => [f.key, f.status])).toEqual([
        [keys[1], 'ACTIVE'],
        [keys[0], 'CLOSED'],
      ]);
    });

    it('clears findings on failure; scans and findings go with their image; SBOMs are pruned once no scan names them', async () => {
      const image = await manifest();
      await store.scans.requestScan(request(image));
      await store.scans.completeScan(result(image.id, 1, [finding('CVE-9/a')], 2, 'replace'));
      await store.scans.putSbom(image.digest, 1, '{"v":1}', t0);
      await store.scans.putSbom(image.digest, 2, '{"v":2}', at(1));
      expect(await store.scans.getSbom(image.digest)).toEqual({ scannerVersion: 2, sbom: '{"v":2}' });
      await store.scans.putSbom(digest(1), 1, '{}', t0);
      await store.scans.putSbom(digest(2), 1, '{}', t0);
      expect(await store.scans.pruneSboms([image.digest])).toBe(0);
      expect(await store.scans.pruneSboms([digest(1)])).toBe(1);
      expect(await store.scans.pruneSboms()).toBe(1);
      expect(await store.scans.getSbom(digest(2))).toBeUndefined();

      await store.scans.requestScan(request(image));
      expect(await store.scans.failScan({ ...failure(image.id, 2), image: { os: 'linux' } })).toBe(true);
      expect(await store.scans.listFindings(image.id)).toEqual([]);
      const failed = await store.scans.getScan(image.id);
      expect(failed).toMatchObject({ status: 'FAILED', description: 'broken layer', completedAt: at(9), image: { os: 'linux' } });
      expect([failed?.severityCounts, failed?.vulnDbVersion]).toEqual([undefined, undefined]);

      await store.scans.requestScan(request(image));
      await store.scans.completeScan(result(image.id, 3, [finding('CVE-9/a')], 10, 'replace'));
      await store.registry.deleteManifest(repo.id, image.digest, []);
      expect(await store.scans.getScan(image.id)).toBeUndefined();
      expect(await store.scans.listFindings(image.id)).toEqual([]);
      expect(await store.scans.pruneSboms([image.digest])).toBe(1);
    });

    it('reads several scans at once, keyed by manifest id', async () => {
      const [a, b, c] = [await manifest(), await manifest(), await manifest()];
      await store.scans.requestScan(request(a));
      await store.scans.requestScan(request(c, { scanType: 'ENHANCED' }));
      const scans = await store.scans.getScans([a.id, b.id, c.id, a.id]);
      expect([...scans.keys()].sort((x, y) => x - y)).toEqual([a.id, c.id]);
      expect(scans.get(c.id)?.scanType).toBe('ENHANCED');
      expect(await store.scans.getScans([])).toEqual(new Map());
    });

    it('lists re-scan candidates: scannable images never scanned or evaluated below the version, by manifest id', async () => {
      const fresh = await manifest();
      const old = await manifest();
      const current = await manifest();
      const failed = await manifest();
      await manifest({ mediaType: OCI_INDEX, artifactType: OCI_INDEX });
      await manifest({ artifactType: 'application/vnd.cncf.helm.config.v1+json' });
      const later = await manifest();
      const unavailable = await manifest();
      const other = await store.registry.createRepository({ accountId: repo.accountId, name: 'other', now: t0 }, []);
      await manifest({ repositoryId: other.id });
      for (const image of [old, current, failed, unavailable]) await store.scans.requestScan(request(image, { scanType: 'ENHANCED' }));
      await store.scans.completeScan({ ...result(old.id, 1, [], 1, 'track'), vulnDbVersion: 3 });
      await store.scans.completeScan({ ...result(current.id, 1, [], 1, 'track'), vulnDbVersion: 4 });
      await store.scans.failScan(failure(failed.id, 1));
      // Scanned while the database was empty: matched once it has advisories.
      await store.scans.failScan({ ...failure(unavailable.id, 1), status: 'FINDINGS_UNAVAILABLE' });

      const candidates = await store.scans.listRescanCandidates(repo.id, { belowVersion: 4, limit: 10 });
      expect(candidates).toEqual([
        { manifestId: fresh.id, digest: fresh.digest },
        { manifestId: old.id, digest: old.digest, scan: { status: 'COMPLETE', generation: 1, scanType: 'ENHANCED', vulnDbVersion: 3 } },
        { manifestId: later.id, digest: later.digest },
        { manifestId: unavailable.id, digest: unavailable.digest, scan: { status: 'FINDINGS_UNAVAILABLE', generation: 1, scanType: 'ENHANCED' } },
      ]);
      expect((await store.scans.listRescanCandidates(repo.id, { belowVersion: 4, afterManifestId: fresh.id, limit: 1 })).map((c) => c.manifestId)).toEqual([old.id]);
      expect((await store.scans.listRescanCandidates(repo.id, { belowVersion: 5, limit: 10 })).map((c) => c.manifestId)).toEqual([
        fresh.id,
        old.id,
        current.id,
        later.id,
        unavailable.id,
      ]);
    });

    it('keeps the highest re-matched version', async () => {
      expect(await store.scans.getRematchedVersion()).toBe(0);
      await store.scans.setRematchedVersion(3);
      await store.scans.setRematchedVersion(2);
      expect(await store.scans.getRematchedVersion()).toBe(3);
    });
  });
}
