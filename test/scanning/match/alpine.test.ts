import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanLayers } from '../../../src/scanning/inventory/scan-layers.js';
import { matchInventory } from '../../../src/scanning/match/matcher.js';
import { importVulnDb } from '../../../src/scanning/vulndb/import.js';
import { fileLayer } from '../helpers/layers.js';
import { fixturePath, openVulnDb, silentLog } from '../helpers/vulndb.js';

const rootfs = (version: string) => fileLayer(fixturePath(`images/alpine-minirootfs-${version}.tar.gz`));

describe('Alpine minirootfs images against the Alpine secdb', () => {
  const db = openVulnDb();
  beforeAll(async () => {
    await importVulnDb(db.store, fixturePath('vulndb/alpine-secdb'), silentLog);
  });
  afterAll(() => db.close());

  it('reports musl 1.1.18-r3 in Alpine 3.7.3 as vulnerable to CVE-2019-14697', async () => {
    const inventory = await scanLayers([rootfs('3.7.3')]);
    expect(inventory.os).toMatchObject({ id: 'alpine', versionId: '3.7.3', release: '3.7.3' });
    expect(inventory.packages.find((p) => p.name === 'musl')).toMatchObject({ type: 'apk', version: '1.1.18-r3', source: { name: 'musl' } });
    const findings = await matchInventory(inventory, db.store);
    const musl = findings.filter((f) => f.packageName === 'musl' && f.cveId === 'CVE-2019-14697');
    expect(musl).toEqual([
      expect.objectContaining({
        packageName: 'musl',
        packageVersion: '1.1.18-r3',
        packageType: 'apk',
        ecosystem: 'Alpine:v3.7',
        sourcePackage: 'musl',
        vulnerabilityId: 'ALPINE-CVE-2019-14697',
        cveId: 'CVE-2019-14697',
        fixedVersion: '1.1.18-r4',
        severity: 'UNDEFINED', // the secdb carries no severity, and none is invented
        uri: 'https://security.alpinelinux.org/vuln/CVE-2019-14697',
      }),
    ]);
    // musl-utils is built from the musl origin too, so it carries the same advisory.
    expect(findings.some((f) => f.packageName === 'musl-utils' && f.cveId === 'CVE-2019-14697')).toBe(true);
  });

  it.each(['3.10.3', '3.20.3'])('reports no CVE-2019-14697 for Alpine %s', async (version) => {
    const inventory = await scanLayers([rootfs(version)]);
    expect(inventory.os?.versionId).toBe(version);
    const findings = await matchInventory(inventory, db.store);
    expect(findings.filter((f) => f.cveId === 'CVE-2019-14697')).toEqual([]);
  });
});
