/**
 * The SQLite ScanStore's rules that the API tests reach only indirectly: a scan request and its job
 * in one transaction, the quota and never-scanned conditions, generations that make stale results
 * moot, enhanced tracking of findings, SBOM pruning, and re-scan candidates.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewFinding, ScanResult } from '../../../src/metadata/scan-store.js';
import { SqliteMetadataStore } from '../../../src/metadata/sqlite/store.js';
import { OCI_CONFIG, OCI_INDEX, OCI_MANIFEST } from '../../support/media-types.js';
import { removeDir, tempDir } from '../../support/temp.js';


let dir: string;
let store: SqliteMetadataStore;
let repositoryId: number;
beforeAll(async () => {
  dir = await tempDir('scan-store');
  store = SqliteMetadataStore.open(join(dir, 'metadata.db'));
  repositoryId = (await store.registry.createRepository({ accountId: '111122223333', name: 'store/test', now: new Date() }, [])).id;
});
afterAll(async () => {
  await store?.close();
  await removeDir(dir);
});

let counter = 0;
async function manifest(options: { mediaType?: string; artifactType?: string } = {}): Promise<{ id: number; digest: string }> {
  const digest = `sha256:${(++counter).toString(16).padStart(64, '0')}`;
  await store.registry.putManifest({
    repositoryId,
    digest,
    mediaType: options.mediaType ?? OCI_MANIFEST,
    artifactType: options.artifactType ?? OCI_CONFIG,
    content: Buffer.from(`{"n":${counter}}`),
    imageSize: 0,
    blobs: [],
    children: [],
    now: new Date(),
    events: [],
  });
  const record = await store.registry.getManifest(repositoryId, digest);
  return { id: record!.id, digest };
}

const job = (generation: number) => ({ type: 'scan.image', payload: { generation }, dedupeKey: `t:${counter}:${generation}`, runAt: new Date() });
const finding = (key: string, severity = 'HIGH', extra: Record<string, unknown> = {}): NewFinding => ({ key, groupKey: key.split('/')[0]!, severity, finding: { key, ...extra } });

function result(manifestId: number, generation: number, findings: NewFinding[], at: number, mode: 'replace' | 'track'): ScanResult {
  return {
    manifestId,
    generation,
    scanType: mode === 'track' ? 'ENHANCED' : 'BASIC',
    status: 'COMPLETE',
    description: 'done',
    completedAt: new Date(at),
    vulnDbVersion: 1,
    findings,
    severityCounts: {},
    enhancedSeverityCounts: {},
    mode,
    events: () => [],
  };
}

describe('SqliteScanStore', () => {
  it('queues the job with the request, and honours never-scanned and quota conditions', async () => {
    const image = await manifest();
    const request = { manifestId: image.id, repositoryId, digest: image.digest, scanType: 'BASIC' as const, now: new Date(1_000), job };
    expect(await store.scans.requestScan(request)).toEqual({ started: true, generation: 1 });
    const queued = await store.jobs.list({ type: 'scan.image', status: 'queued', limit: 100 });
    expect(queued.some((j) => j.payload.generation === 1 && j.dedupeKey === `t:${counter}:1`)).toBe(true);

    expect(await store.scans.requestScan({ ...request, onlyIfNeverScanned: true })).toMatchObject({ started: false, existing: { generation: 1, status: 'IN_PROGRESS' } });
    // A running scan blocks a quota-bound request whatever the time; a finished one until the window passes.
    expect(await store.scans.requestScan({ ...request, now: new Date(10_000_000), quotaSince: new Date(5_000) })).toMatchObject({ started: false });
    expect(await store.scans.completeScan(result(image.id, 1, [], 2_000, 'replace'))).toBe(true);
    expect(await store.scans.requestScan({ ...request, now: new Date(3_000), quotaSince: new Date(1_000) })).toMatchObject({ started: false });
    expect(await store.scans.requestScan({ ...request, now: new Date(3_000), quotaSince: new Date(1_001) })).toEqual({ started: true, generation: 2 });
  });

  it('ignores results and failures of a superseded generation', async () => {
    const image = await manifest();
    const request = { manifestId: image.id, repositoryId, digest: image.digest, scanType: 'BASIC' as const, now: new Date(), job };
    await store.scans.requestScan(request);
    await store.scans.requestScan(request);
    expect(await store.scans.completeScan(result(image.id, 1, [finding('CVE-1/a')], 1, 'replace'))).toBe(false);
    expect(await store.scans.failScan({ manifestId: image.id, generation: 1, status: 'FAILED', description: 'x', completedAt: new Date(), events: [] })).toBe(false);
    expect((await store.scans.getScan(image.id))?.status).toBe('IN_PROGRESS');
    expect(await store.scans.listFindings(image.id)).toEqual([]);
  });

  it('tracks enhanced findings across evaluations: kept identity, changed content, closed and reopened', async () => {
    const image = await manifest();
    await store.scans.requestScan({ manifestId: image.id, repositoryId, digest: image.digest, scanType: 'ENHANCED', now: new Date(), job });
    const keys = async () => (await store.scans.listFindings(image.id)).map((f) => [f.key, f.status, f.firstObservedAt.getTime(), f.lastObservedAt.getTime(), f.updatedAt.getTime()]);

    expect(await store.scans.completeScan(result(image.id, 1, [finding('CVE-1/a'), finding('CVE-2/a')], 100, 'track'))).toBe(true);
    let changed: boolean | undefined;
    await store.scans.completeScan({ ...result(image.id, 1, [finding('CVE-1/a'), finding('CVE-2/a')], 200, 'track'), events: (c) => ((changed = c), []) });
    expect(changed).toBe(false);
    expect(await keys()).toEqual([
      ['CVE-1/a', 'ACTIVE', 100, 200, 100],
      ['CVE-2/a', 'ACTIVE', 100, 200, 100],
    ]);

    await store.scans.completeScan({ ...result(image.id, 1, [finding('CVE-2/a', 'LOW'), finding('CVE-3/a')], 300, 'track'), events: (c) => ((changed = c), []) });
    expect(changed).toBe(true);
    expect(await keys()).toEqual([
      ['CVE-2/a', 'ACTIVE', 100, 300, 300],
      ['CVE-3/a', 'ACTIVE', 300, 300, 300],
      ['CVE-1/a', 'CLOSED', 100, 200, 300],
    ]);

    await store.scans.completeScan(result(image.id, 1, [finding('CVE-1/a')], 400, 'track'));
    expect(await keys()).toEqual([
      ['CVE-1/a', 'ACTIVE', 100, 400, 400],
      ['CVE-2/a', 'CLOSED', 100, 300, 400],
      ['CVE-3/a', 'CLOSED', 300, 300, 400],
    ]);
  });

  it('clears findings on failure and prunes SBOMs no scan names', async () => {
    const image = await manifest();
    await store.scans.requestScan({ manifestId: image.id, repositoryId, digest: image.digest, scanType: 'BASIC', now: new Date(), job });
    await store.scans.completeScan(result(image.id, 1, [finding('CVE-9/a')], 1, 'replace'));
    await store.scans.putSbom(image.digest, 1, '{}', new Date());
    await store.scans.putSbom('sha256:orphan', 1, '{}', new Date());
    expect(await store.scans.pruneSboms([image.digest])).toBe(0);
    expect(await store.scans.pruneSboms()).toBe(1);
    expect(await store.scans.getSbom('sha256:orphan')).toBeUndefined();

    await store.scans.requestScan({ manifestId: image.id, repositoryId, digest: image.digest, scanType: 'BASIC', now: new Date(), job });
    expect(await store.scans.failScan({ manifestId: image.id, generation: 2, status: 'FAILED', description: 'broken', completedAt: new Date(), events: [] })).toBe(true);
    expect(await store.scans.listFindings(image.id)).toEqual([]);
    expect(await store.scans.getScan(image.id)).toMatchObject({ status: 'FAILED', description: 'broken' });
    expect((await store.scans.getScan(image.id))?.severityCounts).toBeUndefined();

    // Deleting the image deletes its scan (cascade), and then its SBOM can go.
    await store.registry.deleteManifest(repositoryId, image.digest, []);
    expect(await store.scans.getScan(image.id)).toBeUndefined();
    expect(await store.scans.pruneSboms([image.digest])).toBe(1);
  });

  it('lists re-scan candidates: scannable images never scanned or evaluated below the version', async () => {
    const repo = (await store.registry.createRepository({ accountId: '111122223333', name: 'store/candidates', now: new Date() }, [])).id;
    const saved = repositoryId;
    repositoryId = repo;
    try {
      const fresh = await manifest();
      const old = await manifest();
      const current = await manifest();
      const failed = await manifest();
      const unavailable = await manifest();
      await manifest({ mediaType: OCI_INDEX, artifactType: OCI_INDEX });
      await manifest({ artifactType: 'application/vnd.cncf.helm.config.v1+json' });
      for (const image of [old, current, failed, unavailable]) {
        await store.scans.requestScan({ manifestId: image.id, repositoryId: repo, digest: image.digest, scanType: 'ENHANCED', now: new Date(), job });
      }
      await store.scans.completeScan({ ...result(old.id, 1, [], 1, 'track'), vulnDbVersion: 3 });
      await store.scans.completeScan({ ...result(current.id, 1, [], 1, 'track'), vulnDbVersion: 4 });
      await store.scans.failScan({ manifestId: failed.id, generation: 1, status: 'FAILED', description: 'x', completedAt: new Date(), events: [] });
      // Scanned while the database was empty: matched once it has advisories.
      await store.scans.failScan({ manifestId: unavailable.id, generation: 1, status: 'FINDINGS_UNAVAILABLE', description: 'x', completedAt: new Date(), events: [] });
      const candidates = await store.scans.listRescanCandidates(repo, { belowVersion: 4, limit: 10 });
      expect(candidates.map((c) => [c.manifestId, c.scan?.vulnDbVersion])).toEqual([
        [fresh.id, undefined],
        [old.id, 3],
        [unavailable.id, undefined],
      ]);
      expect(await store.scans.listRescanCandidates(repo, { belowVersion: 4, afterManifestId: fresh.id, limit: 10 })).toHaveLength(2);
    } finally {
      repositoryId = saved;
    }
  });
});
