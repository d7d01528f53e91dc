/**
 * Scanning with its metadata on PostgreSQL, end to end: the Debian fixtures imported into the
 * vulnerability database, a scan on push producing exactly the expected findings, the 24-hour
 * quota, and continuous scanning re-evaluating an image from its stored SBOM after an import adds
 * an advisory (the findings seen before keep their identity).
 */
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateRepositoryCommand,
  LimitExceededException,
  PutRegistryScanningConfigurationCommand,
  StartImageScanCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPostgres } from '../../engines/engines.js';
import { postgresMetadataConfig } from '../../support/postgres.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { fixturePath } from '../helpers/vulndb.js';
import { type Berth, eventually, rejection, startBerth } from '../integration/harness.js';
import { V2, debianImage, expectedFindings } from '../integration/images.js';
import { allFindings, attribute, importDb, settledScan } from '../integration/scans.js';

const APT = 'DEBIAN-CVE-2026-109518.json';
const cveIds = (list: { cveId: string }[]) => [...new Set(list.map((e) => e.cveId))].sort();

withPostgres(({ url: server }) => {
  let berth: Berth;
  let data: string;
  beforeAll(async () => {
    berth = await startBerth({ overrides: await postgresMetadataConfig(server) });
    // The Debian data without the apt advisory: it arrives later, in an update.
    data = await tempDir('scan-pg-osv');
    await cp(fixturePath('vulndb/debian-bookworm/osv'), data, { recursive: true });
    await rm(join(data, APT));
  });
  afterAll(async () => {
    await berth?.close();
    await removeDir(data);
  });

  describe('scanning on postgresql', () => {
    it('imports the vulnerability database and reports it', async () => {
      expect(await importDb(berth, data, 'debian')).toMatchObject({ records: 81, added: 81, version: 1, changed: true, problems: [] });
      expect(await importDb(berth, data, 'debian')).toMatchObject({ records: 81, unchanged: 81, version: 1, changed: false });
      expect(await berth.app.store.vulnDb.status()).toMatchObject({ version: 1, records: 81, sources: [{ name: 'debian', format: 'osv-dir', records: 81 }] });
    });

    it('scans on push into exactly the expected findings, once per 24 hours', async () => {
      await berth.ecr.send(new CreateRepositoryCommand({ repositoryName: 'push/debian', imageScanningConfiguration: { scanOnPush: true } }));
      const image = await debianImage('minbase');
      await new V2(berth.url).pushImage('push/debian', 'v1', image);
      const scan = await settledScan(berth.ecr, 'push/debian', { imageTag: 'v1' });
      expect(scan.imageScanStatus).toEqual({ status: 'COMPLETE', description: 'The scan was completed successfully.' });
      const { findings } = await allFindings(berth.ecr, 'push/debian', { imageTag: 'v1' }, 5);
      const withoutApt = expectedFindings.minbase.filter((e) => e.sourcePackage !== 'apt');
      expect(findings.map((f) => `${attribute(f, 'package_name')} ${f.name}`).sort()).toEqual(withoutApt.map((e) => `${e.binaryPackage} ${e.cveId}`).sort());
      expect(await rejection(berth.ecr.send(new StartImageScanCommand({ repositoryName: 'push/debian', imageId: { imageDigest: image.digest } })))).toBeInstanceOf(
        LimitExceededException,
      );
      expect(await berth.app.store.scans.getSbom(image.digest)).toBeDefined();
    });

    it('re-evaluates a continuously scanned image after an import adds an advisory', async () => {
      await berth.ecr.send(
        new PutRegistryScanningConfigurationCommand({
          scanType: 'ENHANCED',
          rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: 'cont/*', filterType: 'WILDCARD' }] }],
        }),
      );
      await berth.ecr.send(new CreateRepositoryCommand({ repositoryName: 'cont/debian' }));
      await new V2(berth.url).pushImage('cont/debian', 'v1', await debianImage('minbase'));
      expect((await settledScan(berth.ecr, 'cont/debian', { imageTag: 'v1' })).imageScanStatus?.status).toBe('ACTIVE');
      const before = new Map((await allFindings(berth.ecr, 'cont/debian', { imageTag: 'v1' })).enhancedFindings.map((f) => [f.packageVulnerabilityDetails!.vulnerabilityId!, f]));
      expect([...before.keys()].sort()).toEqual(cveIds(expectedFindings.minbase.filter((e) => e.sourcePackage !== 'apt')));

      berth.advance(60_000);
      await cp(fixturePath(`vulndb/debian-bookworm/osv/${APT}`), join(data, APT));
      expect(await importDb(berth, data, 'debian')).toMatchObject({ added: 1, version: 2, changed: true });
      const after = await eventually(async () => {
        const { enhancedFindings } = await allFindings(berth.ecr, 'cont/debian', { imageTag: 'v1' });
        return enhancedFindings.length > before.size ? new Map(enhancedFindings.map((f) => [f.packageVulnerabilityDetails!.vulnerabilityId!, f])) : undefined;
      }, 'the re-evaluation');
      expect([...after.keys()].sort()).toEqual(cveIds(expectedFindings.minbase));
      for (const [id, old] of before) expect(after.get(id)).toMatchObject({ findingArn: old.findingArn, firstObservedAt: old.firstObservedAt, status: 'ACTIVE' });
      expect(await berth.app.store.scans.getRematchedVersion()).toBe(2);
    });
  });
});
