/**
 * Debian bookworm images built from the fixtures' real dpkg databases, scanned on push through the
 * whole app: the findings DescribeImageScanFindings returns are exactly expected.json's (no more,
 * no fewer), the patched and rich trees have none, and DescribeImages shows status and counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRepositoryCommand, DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { type Berth, startBerth } from './harness.js';
import type { ExpectedFinding } from '../helpers/vulndb.js';
import { type DebianTree, V2, debianImage, expectedFindings } from './images.js';
import { allFindings, attribute, importDb, settledScan } from './scans.js';

let berth: Berth;
beforeAll(async () => {
  berth = await startBerth();
  await importDb(berth, 'vulndb/debian-bookworm/osv');
});
afterAll(() => berth?.close());

const key = (e: Omit<ExpectedFinding, 'sourcePackage'>) => JSON.stringify([e.binaryPackage, e.installedVersion, e.fixedVersion, e.vulnerabilityId, e.cveId]);

describe('scan on push of Debian bookworm images', () => {
  const pushed = new Map<DebianTree, string>();
  beforeAll(async () => {
    await berth.ecr.send(new CreateRepositoryCommand({ repositoryName: 'debian/bookworm', imageScanningConfiguration: { scanOnPush: true } }));
    const v2 = new V2(berth.url);
    for (const tree of ['minbase', 'minbase-patched', 'rich'] as const) {
      const image = await debianImage(tree);
      await v2.pushImage('debian/bookworm', tree, image);
      pushed.set(tree, image.digest);
    }
  });

  it.each(['minbase', 'minbase-patched', 'rich'] as const)('%s: exactly the findings expected.json lists', async (tree) => {
    const first = await settledScan(berth.ecr, 'debian/bookworm', { imageTag: tree });
    expect(first.imageScanStatus).toEqual({ status: 'COMPLETE', description: 'The scan was completed successfully.' });
    expect(first.imageId).toEqual({ imageDigest: pushed.get(tree), imageTag: tree });
    const { findings, enhancedFindings } = await allFindings(berth.ecr, 'debian/bookworm', { imageTag: tree });
    expect(enhancedFindings).toEqual([]);
    const got = findings.map((f) =>
      key({
        binaryPackage: attribute(f, 'package_name')!,
        installedVersion: attribute(f, 'package_version')!,
        fixedVersion: attribute(f, 'fixed_in_version')!,
        vulnerabilityId: attribute(f, 'vulnerability_id')!,
        cveId: f.name!,
      }),
    );
    expect(got.sort()).toEqual(expectedFindings[tree].map(key).sort());
    expect(new Set(got).size).toBe(got.length);
    // The records carry no severity, so none is invented; the binary package is reported, matched through its source.
    for (const f of findings) {
      expect(f.severity).toBe('UNDEFINED');
      const expected = expectedFindings[tree].find((e) => e.cveId === f.name && e.binaryPackage === attribute(f, 'package_name'))!;
      expect(attribute(f, 'source_package_name')).toBe(expected.sourcePackage === expected.binaryPackage ? undefined : expected.sourcePackage);
    }
    expect(first.imageScanFindings?.findingSeverityCounts).toEqual(expectedFindings[tree].length ? { UNDEFINED: expectedFindings[tree].length } : {});
    expect(first.imageScanFindings?.imageScanCompletedAt).toBeInstanceOf(Date);
    expect(first.imageScanFindings?.vulnerabilitySourceUpdatedAt).toBeInstanceOf(Date);
  });

  it('pages through findings with maxResults, each finding once', async () => {
    await settledScan(berth.ecr, 'debian/bookworm', { imageTag: 'minbase' });
    const all = await allFindings(berth.ecr, 'debian/bookworm', { imageTag: 'minbase' });
    const paged = await allFindings(berth.ecr, 'debian/bookworm', { imageTag: 'minbase' }, 5);
    expect(paged.pages).toBe(4);
    expect(paged.findings).toEqual(all.findings);
  });

  it('DescribeImages reports each image scan status and severity counts', async () => {
    for (const tree of pushed.keys()) await settledScan(berth.ecr, 'debian/bookworm', { imageTag: tree });
    const { imageDetails = [] } = await berth.ecr.send(new DescribeImagesCommand({ repositoryName: 'debian/bookworm' }));
    expect(imageDetails).toHaveLength(3);
    for (const detail of imageDetails) {
      const tree = detail.imageTags![0] as DebianTree;
      expect(detail.imageScanStatus).toEqual({ status: 'COMPLETE', description: 'The scan was completed successfully.' });
      expect(detail.imageScanFindingsSummary?.findingSeverityCounts).toEqual(expectedFindings[tree].length ? { UNDEFINED: expectedFindings[tree].length } : {});
    }
  });

  it('writes an "ECR Image Scan" event per completed scan', async () => {
    for (const tree of pushed.keys()) await settledScan(berth.ecr, 'debian/bookworm', { imageTag: tree });
    const events = await berth.app.store.events.list({ type: 'image.scan.completed', limit: 100 });
    const minbase = events.find((e) => e.payload.digest === pushed.get('minbase'));
    expect(minbase?.payload).toMatchObject({
      detailType: 'ECR Image Scan',
      source: 'aws.ecr',
      reason: 'push',
      detail: {
        'scan-status': 'COMPLETE',
        'repository-name': 'debian/bookworm',
        'image-digest': pushed.get('minbase'),
        'image-tags': ['minbase'],
        'finding-severity-counts': { UNDEFINED: 16 },
      },
    });
    expect(events.filter((e) => e.payload.digest === pushed.get('rich'))[0]?.payload.detail).toMatchObject({ 'finding-severity-counts': {} });
  });
});
