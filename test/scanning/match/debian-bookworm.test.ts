import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanLayers } from '../../../src/scanning/inventory/scan-layers.js';
import { matchInventory } from '../../../src/scanning/match/matcher.js';
import { importVulnDb } from '../../../src/scanning/vulndb/import.js';
import type { Finding } from '../../../src/scanning/types.js';
import { gzipLayer } from '../helpers/layers.js';
import { type ExpectedFinding, expectedDebianFindings, fixturePath, openVulnDb, silentLog } from '../helpers/vulndb.js';

type Expected = ExpectedFinding;

const expected = expectedDebianFindings();
const installed = (file: string): Buffer => readFileSync(fixturePath(`vulndb/debian-bookworm/installed/${file}`));

/** A one-layer bookworm image: the real dpkg status plus os-release where Debian puts it. */
async function bookwormImage(image: string) {
  return gzipLayer([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
    { name: 'etc/debian_version', content: installed(`${image}.debian_version`) },
    { name: 'usr/lib/os-release', content: installed(`${image}.os-release`) },
    { name: 'var/lib/dpkg/status', content: installed(`${image}.status`) },
  ]);
}

const asExpected = (f: Finding): Expected => ({
  binaryPackage: f.packageName,
  sourcePackage: f.sourcePackage!,
  installedVersion: f.packageVersion,
  fixedVersion: f.fixedVersion!,
  vulnerabilityId: f.vulnerabilityId,
  cveId: f.cveId!,
});
const key = (e: Expected): string => JSON.stringify([e.binaryPackage, e.sourcePackage, e.installedVersion, e.fixedVersion, e.vulnerabilityId, e.cveId]);
const sorted = (list: Expected[]): string[] => list.map(key).sort();

describe('Debian bookworm images against the derived OSV data', () => {
  const db = openVulnDb();
  beforeAll(async () => {
    await importVulnDb(db.store, fixturePath('vulndb/debian-bookworm/osv'), silentLog);
  });
  afterAll(() => db.close());

  it.each([
    ['minbase', 88, 16],
    ['minbase-patched', 88, 0],
    ['rich', 135, 0],
  ])('%s: %i packages, exactly the %i expected findings', async (image, packageCount, findingCount) => {
    const inventory = await scanLayers([await bookwormImage(image)]);
    expect(inventory.os).toMatchObject({ id: 'debian', versionId: '12', release: '12.15', codename: 'bookworm' });
    expect(inventory.packages).toHaveLength(packageCount);
    const findings = await matchInventory(inventory, db.store);
    expect(findings).toHaveLength(findingCount);
    expect(sorted(findings.map(asExpected))).toEqual(sorted(expected[image]!));
    for (const f of findings) {
      expect(f).toMatchObject({ ecosystem: 'Debian:12', packageType: 'deb', severity: 'UNDEFINED', severitySource: 'none' });
    }
  });

  it('matches on the source package and its version, reporting the binary version', async () => {
    const inventory = await scanLayers([await bookwormImage('minbase')]);
    const e2fs = inventory.packages.find((p) => p.name === 'libcom-err2')!;
    expect(e2fs.source).toEqual({ name: 'e2fsprogs', version: '1.47.0-2' });
    const findings = await matchInventory(inventory, db.store);
    const perl = findings.filter((f) => f.packageName === 'perl-base');
    expect(perl.length).toBeGreaterThan(0);
    expect(perl[0]).toMatchObject({ sourcePackage: 'perl', sourceVersion: '5.36.0-7+deb12u3', packageVersion: '5.36.0-7+deb12u3' });
  });
});
