/**
 * The official Alpine minirootfs images against the Alpine secdb data: musl 1.1.18-r3 in 3.7.3 is
 * vulnerable to CVE-2019-14697 (fixed in 1.1.18-r4 per v3.7/main.yaml); 3.10.3 ships the fixed
 * musl 1.1.22-r3 and 3.20.3 ships musl 1.2.5-r0, so with the same data neither shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutRegistryScanningConfigurationCommand } from '@aws-sdk/client-ecr';
import { type Berth, startBerth } from './harness.js';
import { V2, alpineImage } from './images.js';
import { allFindings, attribute, importDb, settledScan } from './scans.js';

let berth: Berth;
beforeAll(async () => {
  berth = await startBerth();
  await importDb(berth, 'vulndb/alpine-secdb');
  // Registry-level scan on push for every repository under alpine/.
  await berth.ecr.send(
    new PutRegistryScanningConfigurationCommand({ scanType: 'BASIC', rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'alpine/*', filterType: 'WILDCARD' }] }] }),
  );
  const v2 = new V2(berth.url);
  for (const version of ['3.7.3', '3.10.3', '3.20.3'] as const) await v2.pushImage('alpine/minirootfs', version, alpineImage(version));
});
afterAll(() => berth?.close());

const musl = async (version: string) => {
  const scan = await settledScan(berth.ecr, 'alpine/minirootfs', { imageTag: version });
  expect(scan.imageScanStatus?.status).toBe('COMPLETE');
  const { findings } = await allFindings(berth.ecr, 'alpine/minirootfs', { imageTag: version });
  return { findings, muslFindings: findings.filter((f) => attribute(f, 'package_name') === 'musl') };
};

describe('Alpine minirootfs images', () => {
  it('3.7.3: musl 1.1.18-r3 is vulnerable to CVE-2019-14697, fixed in 1.1.18-r4', async () => {
    const { muslFindings } = await musl('3.7.3');
    const cve = muslFindings.find((f) => f.name === 'CVE-2019-14697');
    expect(cve).toBeDefined();
    expect(attribute(cve!, 'package_version')).toBe('1.1.18-r3');
    expect(attribute(cve!, 'fixed_in_version')).toBe('1.1.18-r4');
    expect(attribute(cve!, 'vulnerability_id')).toBe('ALPINE-CVE-2019-14697');
    expect(cve!.uri).toBe('https://security.alpinelinux.org/vuln/CVE-2019-14697');
  });

  it.each(['3.10.3', '3.20.3'])('%s: no CVE-2019-14697 with the same data', async (version) => {
    const { findings } = await musl(version);
    expect(findings.filter((f) => f.name === 'CVE-2019-14697')).toEqual([]);
  });
});
