/**
 * Continuous scanning (ENHANCED, CONTINUOUS_SCAN): a database import that adds or withdraws an
 * advisory re-evaluates continuously scanned images from their stored SBOMs, with Inspector-style
 * findings: first/last observed and updated times, ACTIVE and CLOSED.
 */
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchGetRepositoryScanningConfigurationCommand,
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  type EnhancedImageScanFinding,
  PutRegistryScanningConfigurationCommand,
  type RegistryScanningRule,
  ScanNotFoundException,
  StartImageScanCommand,
} from '@aws-sdk/client-ecr';
import { removeDir, tempDir } from '../../support/temp.js';
import { fixturePath } from '../helpers/vulndb.js';
import { type Berth, eventually, rejection, startBerth } from './harness.js';
import { V2, debianImage, expectedFindings, type TestImage } from './images.js';
import { allFindings, importDb, settledScan } from './scans.js';

const APT = 'DEBIAN-CVE-2026-109518.json';
const PCRE2 = 'DEBIAN-CVE-2026-103111.json';

const ENHANCED_RULES: RegistryScanningRule[] = [
  { scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: 'cont', filterType: 'WILDCARD' }] },
  { scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'cont/*', filterType: 'WILDCARD' }, { filter: 'push/*', filterType: 'WILDCARD' }] },
];

let berth: Berth;
let data: string;
let continuousImage: TestImage;
let manualImage: TestImage;
beforeAll(async () => {
  berth = await startBerth();
  // The Debian data without the apt advisory: it arrives later, in an update.
  data = await tempDir('scan-osv');
  await cp(fixturePath('vulndb/debian-bookworm/osv'), data, { recursive: true });
  await rm(join(data, APT));
  await importDb(berth, data, 'debian');
  await berth.ecr.send(new PutRegistryScanningConfigurationCommand({ scanType: 'ENHANCED', rules: ENHANCED_RULES }));
  await berth.ecr.send(new CreateRepositoryCommand({ repositoryName: 'cont/debian' }));
  await berth.ecr.send(new CreateRepositoryCommand({ repositoryName: 'push/debian' }));
  continuousImage = await debianImage('minbase');
  manualImage = await debianImage('minbase');
  await new V2(berth.url).pushImage('cont/debian', 'v1', continuousImage);
  await new V2(berth.url).pushImage('push/debian', 'v1', manualImage);
  // The scan on push must see the database as it is now, before the tests update it.
  await settledScan(berth.ecr, 'push/debian', { imageTag: 'v1' });
});
afterAll(async () => {
  await berth?.close();
  await removeDir(data);
});

const cveIds = (list: { cveId: string }[]) => [...new Set(list.map((e) => e.cveId))].sort();
const byId = (findings: EnhancedImageScanFinding[]) => new Map(findings.map((f) => [f.packageVulnerabilityDetails!.vulnerabilityId!, f]));

describe('continuous scanning', () => {
  let before: Map<string, EnhancedImageScanFinding>;

  it('applies the continuous filter over the scan-on-push one', async () => {
    const { scanningConfigurations } = await berth.ecr.send(new BatchGetRepositoryScanningConfigurationCommand({ repositoryNames: ['cont/debian', 'push/debian'] }));
    expect(scanningConfigurations?.map((c) => [c.repositoryName, c.scanFrequency, c.scanOnPush, c.appliedScanFilters])).toEqual([
      ['cont/debian', 'CONTINUOUS_SCAN', true, [{ filter: 'cont', filterType: 'WILDCARD' }]],
      ['push/debian', 'SCAN_ON_PUSH', true, [{ filter: 'push/*', filterType: 'WILDCARD' }]],
    ]);
  });

  it('scans on push into enhanced findings, one per vulnerability', async () => {
    const scan = await settledScan(berth.ecr, 'cont/debian', { imageTag: 'v1' });
    expect(scan.imageScanStatus).toEqual({ status: 'ACTIVE', description: 'Continuous scan is selected for image.' });
    const { findings, enhancedFindings } = await allFindings(berth.ecr, 'cont/debian', { imageTag: 'v1' });
    expect(findings).toEqual([]);
    const withoutApt = expectedFindings.minbase.filter((e) => e.sourcePackage !== 'apt');
    expect(enhancedFindings.map((f) => f.packageVulnerabilityDetails?.vulnerabilityId).sort()).toEqual(cveIds(withoutApt));
    expect(enhancedFindings.every((f) => f.status === 'ACTIVE')).toBe(true);
    expect(scan.imageScanFindings?.findingSeverityCounts).toEqual({ UNDEFINED: cveIds(withoutApt).length });
    before = byId(enhancedFindings);
  });

  it('re-evaluates after an import that adds an advisory', async () => {
    berth.advance(60_000);
    await cp(fixturePath(`vulndb/debian-bookworm/osv/${APT}`), join(data, APT));
    const summary = await importDb(berth, data, 'debian');
    expect(summary).toMatchObject({ added: 1, changed: true });

    const after = await eventually(async () => {
      const { enhancedFindings } = await allFindings(berth.ecr, 'cont/debian', { imageTag: 'v1' });
      return enhancedFindings.length > before.size ? byId(enhancedFindings) : undefined;
    }, 'the re-evaluation');
    expect([...after.keys()].sort()).toEqual(cveIds(expectedFindings.minbase));
    const apt = after.get('CVE-2026-109518')!;
    expect(apt).toMatchObject({
      awsAccountId: '111122223333',
      title: 'CVE-2026-109518 - apt, libapt-pkg6.0',
      type: 'PACKAGE_VULNERABILITY',
      status: 'ACTIVE',
      severity: 'UNDEFINED',
      fixAvailable: 'YES',
      packageVulnerabilityDetails: {
        vulnerabilityId: 'CVE-2026-109518',
        source: 'DEBIAN',
        relatedVulnerabilities: ['DEBIAN-CVE-2026-109518'],
        vulnerablePackages: [
          { name: 'apt', version: '2.6.1', epoch: 0, arch: 'amd64', packageManager: 'OS', filePath: 'var/lib/dpkg/status', sourceLayerHash: continuousImage.layers[0]!.digest, fixedInVersion: '2.6.2' },
          { name: 'libapt-pkg6.0', version: '2.6.1', epoch: 0, arch: 'amd64', packageManager: 'OS', filePath: 'var/lib/dpkg/status', sourceLayerHash: continuousImage.layers[0]!.digest, fixedInVersion: '2.6.2' },
        ],
      },
      resources: [
        {
          type: 'AWS_ECR_CONTAINER_IMAGE',
          id: `arn:aws:ecr:eu-west-1:111122223333:repository/cont/debian/${continuousImage.digest}`,
          details: { awsEcrContainerImage: { architecture: 'amd64', imageHash: continuousImage.digest, imageTags: ['v1'], platform: 'DEBIAN_12', registry: '111122223333', repositoryName: 'cont/debian' } },
        },
      ],
    });
    expect(apt.score).toBeUndefined();
    expect(apt.findingArn).toMatch(/^arn:aws:inspector2:eu-west-1:111122223333:finding\/[0-9a-f]{32}$/);
    // Findings seen before keep their identity and first observation; only the new one is new.
    for (const [id, old] of before) {
      expect(after.get(id)).toMatchObject({ findingArn: old.findingArn, firstObservedAt: old.firstObservedAt, updatedAt: old.updatedAt });
      expect(after.get(id)!.lastObservedAt!.getTime()).toBeGreaterThan(old.lastObservedAt!.getTime());
    }
    expect(apt.firstObservedAt!.getTime()).toBeGreaterThan(Math.max(...[...before.values()].map((f) => f.firstObservedAt!.getTime())));
    const events = await berth.app.store.events.list({ type: 'image.scan.completed', limit: 50 });
    expect(events.find((e) => e.payload.reason === 'continuous' && e.payload.digest === continuousImage.digest)?.payload.detail).toMatchObject({
      'scan-status': 'ACTIVE',
      'finding-severity-counts': { UNDEFINED: cveIds(expectedFindings.minbase).length },
    });
  });

  it('closes findings whose advisory was withdrawn, and keeps them listed', async () => {
    berth.advance(60_000);
    await rm(join(data, PCRE2));
    expect(await importDb(berth, data, 'debian')).toMatchObject({ removed: 1, changed: true });
    const closed = await eventually(async () => {
      const { enhancedFindings } = await allFindings(berth.ecr, 'cont/debian', { imageTag: 'v1' });
      return enhancedFindings.find((f) => f.packageVulnerabilityDetails?.vulnerabilityId === 'CVE-2026-103111' && f.status === 'CLOSED');
    }, 'the closed finding');
    expect(closed.updatedAt!.getTime()).toBeGreaterThan(closed.lastObservedAt!.getTime());
    const scan = await berth.ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'cont/debian', imageId: { imageTag: 'v1' } }));
    expect(scan.imageScanFindings?.findingSeverityCounts).toEqual({ UNDEFINED: cveIds(expectedFindings.minbase).length - 1 });
    // Closed findings come after the active ones.
    const statuses = scan.imageScanFindings!.enhancedFindings!.map((f) => f.status);
    expect(statuses.indexOf('CLOSED')).toBe(statuses.length - 1);
  });

  it('leaves images that are only scanned on push alone', async () => {
    const scan = await settledScan(berth.ecr, 'push/debian', { imageTag: 'v1' });
    expect(scan.imageScanStatus?.status).toBe('COMPLETE');
    const { enhancedFindings } = await allFindings(berth.ecr, 'push/debian', { imageTag: 'v1' });
    // Evaluated once, against the database as it was at push time: no apt advisory, pcre2's still there.
    const ids = enhancedFindings.map((f) => f.packageVulnerabilityDetails?.vulnerabilityId);
    expect(ids).not.toContain('CVE-2026-109518');
    expect(ids).toContain('CVE-2026-103111');
  });
});

describe('switching the registry from ENHANCED back to BASIC', () => {
  // ECR: "Switching between Enhanced scanning and Basic scanning will cause previously established
  // scans to no longer be available. [...] if you switch back to your previous scanning type the
  // established scans will be available."
  it('makes enhanced scans unavailable, minutes later too, until switched back', async () => {
    const repositories = ['cont/debian', 'push/debian'];
    for (const repositoryName of repositories) expect((await allFindings(berth.ecr, repositoryName, { imageTag: 'v1' })).enhancedFindings.length).toBeGreaterThan(0);
    await berth.ecr.send(new PutRegistryScanningConfigurationCommand({ scanType: 'BASIC', rules: [] }));
    berth.advance(10 * 60_000);
    for (const repositoryName of repositories) {
      const findings = await rejection(berth.ecr.send(new DescribeImageScanFindingsCommand({ repositoryName, imageId: { imageTag: 'v1' } })));
      expect(findings).toBeInstanceOf(ScanNotFoundException);
      const { imageDetails } = await berth.ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: 'v1' }] }));
      expect(imageDetails?.[0]?.imageScanStatus).toBeUndefined();
      expect(imageDetails?.[0]?.imageScanFindingsSummary).toBeUndefined();
    }

    // A basic scan can start at once: the enhanced scan on push, no longer available, used no basic quota.
    await berth.ecr.send(new StartImageScanCommand({ repositoryName: 'push/debian', imageId: { imageTag: 'v1' } }));
    const basic = await settledScan(berth.ecr, 'push/debian', { imageTag: 'v1' });
    expect(basic.imageScanStatus).toEqual({ status: 'COMPLETE', description: 'The scan was completed successfully.' });
    expect(basic.imageScanFindings?.enhancedFindings).toBeUndefined();
    expect(basic.imageScanFindings?.findings?.length).toBeGreaterThan(0);

    await berth.ecr.send(new PutRegistryScanningConfigurationCommand({ scanType: 'ENHANCED', rules: ENHANCED_RULES }));
    const restored = await settledScan(berth.ecr, 'cont/debian', { imageTag: 'v1' });
    expect(restored.imageScanStatus).toEqual({ status: 'ACTIVE', description: 'Continuous scan is selected for image.' });
    expect(restored.imageScanFindings?.enhancedFindings?.length).toBeGreaterThan(0);
  });
});
