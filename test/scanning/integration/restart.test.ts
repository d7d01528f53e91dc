/**
 * Scans are durable jobs: a scan requested on push is recorded IN_PROGRESS with its job in one
 * transaction, so when the server stops before running it, the next server on the same data runs
 * it; and a server that was down while the database changed re-evaluates continuous images when it
 * starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRepositoryCommand, DescribeImageScanFindingsCommand, PutRegistryScanningConfigurationCommand } from '@aws-sdk/client-ecr';
import { importVulnDb } from '../../../src/scanning/vulndb/import.js';
import { fixturePath, silentLog } from '../helpers/vulndb.js';
import { type Berth, eventually, startBerth } from './harness.js';
import { V2, alpineImage, debianImage, expectedFindings } from './images.js';
import { importDb, settledScan } from './scans.js';

let berth: Berth;
beforeAll(async () => {
  // No background work: pushes are recorded, nothing runs until the restart.
  berth = await startBerth({ background: false });
  await importDb(berth, 'vulndb/debian-bookworm/osv');
});
afterAll(() => berth?.close());

describe('durable scans', () => {
  it('runs scans queued before a restart', async () => {
    await berth.ecr.send(new CreateRepositoryCommand({ repositoryName: 'durable/a', imageScanningConfiguration: { scanOnPush: true } }));
    const v2 = new V2(berth.url);
    for (const tree of ['minbase', 'minbase-patched', 'rich'] as const) await v2.pushImage('durable/a', tree, await debianImage(tree));
    // Deliver the pushes to the scanning subscriber (as the dispatcher would), without running jobs.
    await berth.app.events.drain();
    for (const tree of ['minbase', 'minbase-patched', 'rich']) {
      const out = await berth.ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'durable/a', imageId: { imageTag: tree } }));
      expect(out.imageScanStatus?.status).toBe('IN_PROGRESS');
    }
    expect((await berth.app.store.jobs.list({ type: 'scan.image', status: 'queued', limit: 10 })).length).toBe(3);

    await berth.restart();
    for (const tree of ['minbase', 'minbase-patched', 'rich'] as const) {
      const scan = await settledScan(berth.ecr, 'durable/a', { imageTag: tree });
      expect(scan.imageScanStatus?.status).toBe('COMPLETE');
      expect(scan.imageScanFindings?.findingSeverityCounts).toEqual(expectedFindings[tree].length ? { UNDEFINED: expectedFindings[tree].length } : {});
    }
  });

  it('re-evaluates continuous images after a database update made while no server ran', async () => {
    await berth.ecr.send(
      new PutRegistryScanningConfigurationCommand({ scanType: 'ENHANCED', rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: 'cont/*', filterType: 'WILDCARD' }] }] }),
    );
    await new V2(berth.url).pushImage('cont/alpine', '3.7.3', alpineImage('3.7.3'));
    const before = await settledScan(berth.ecr, 'cont/alpine', { imageTag: '3.7.3' });
    expect(before.imageScanFindings?.enhancedFindings).toEqual([]);

    // Import without the outbox event (an import while the server is down, or from an older tool).
    await berth.restart({ background: false });
    await importVulnDb(berth.app.store.vulnDb, fixturePath('vulndb/alpine-secdb'), silentLog);
    await berth.restart();
    const after = await eventually(async () => {
      const out = await berth.ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'cont/alpine', imageId: { imageTag: '3.7.3' } }));
      return out.imageScanFindings?.enhancedFindings?.length ? out : undefined;
    }, 'the re-evaluation at start');
    expect(after.imageScanFindings?.enhancedFindings?.map((f) => f.packageVulnerabilityDetails?.vulnerabilityId)).toContain('CVE-2019-14697');
  });
});
