/**
 * A scan against an empty vulnerability database checked nothing: it says so (FINDINGS_UNAVAILABLE,
 * naming the missing database and how to load it) instead of COMPLETE with no findings, which a
 * user would read as a clean image. The server warns at start, and a scan on push made while the
 * database is empty does not use up the image's one StartImageScan per 24 hours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRepositoryCommand, DescribeImagesCommand, StartImageScanCommand } from '@aws-sdk/client-ecr';
import { type Berth, startBerth } from './harness.js';
import { V2, debianImage, expectedFindings } from './images.js';
import { allFindings, importDb, settledScan } from './scans.js';

const UNAVAILABLE = {
  status: 'FINDINGS_UNAVAILABLE',
  description:
    "VulnerabilityDatabaseEmpty: Berth's vulnerability database holds no advisories, so the image was not checked for vulnerabilities. " +
    "Load it with 'berth vulndb update' (or 'berth vulndb import <path>'), then scan the image again.",
};

let berth: Berth;
beforeAll(async () => {
  berth = await startBerth({ captureLogs: true });
});
afterAll(() => berth?.close());

describe('scanning with an empty vulnerability database', () => {
  it('warns at start', () => {
    const warning = berth.logs.records().find((r) => r.level === 40 && String(r.msg).includes('vulnerability database is empty'));
    expect(warning).toMatchObject({ component: 'scanning', remedy: 'berth vulndb update' });
  });

  it('reports FINDINGS_UNAVAILABLE naming the database, not a clean COMPLETE scan', async () => {
    await berth.ecr.send(new CreateRepositoryCommand({ repositoryName: 'empty/debian', imageScanningConfiguration: { scanOnPush: true } }));
    await new V2(berth.url).pushImage('empty/debian', 'v1', await debianImage('minbase'));
    const scan = await settledScan(berth.ecr, 'empty/debian', { imageTag: 'v1' });
    expect(scan.imageScanStatus).toEqual(UNAVAILABLE);
    expect(scan.imageScanFindings).toBeUndefined();
    const { imageDetails } = await berth.ecr.send(new DescribeImagesCommand({ repositoryName: 'empty/debian', imageIds: [{ imageTag: 'v1' }] }));
    expect(imageDetails?.[0]?.imageScanStatus).toEqual(UNAVAILABLE);
    expect(imageDetails?.[0]?.imageScanFindingsSummary).toBeUndefined();
  });

  it('leaves the manual scan quota to the user once the database is loaded', async () => {
    await importDb(berth, 'vulndb/debian-bookworm/osv');
    // Minutes after the scan on push, well within its 24 hours.
    berth.advance(5 * 60_000);
    await berth.ecr.send(new StartImageScanCommand({ repositoryName: 'empty/debian', imageId: { imageTag: 'v1' } }));
    const scan = await settledScan(berth.ecr, 'empty/debian', { imageTag: 'v1' });
    expect(scan.imageScanStatus).toEqual({ status: 'COMPLETE', description: 'The scan was completed successfully.' });
    const { findings } = await allFindings(berth.ecr, 'empty/debian', { imageTag: 'v1' });
    expect(findings.length).toBe(expectedFindings.minbase.length);
  });
});
