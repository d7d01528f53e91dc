import { writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanLayers } from '../../../src/scanning/inventory/scan-layers.js';
import { parseSourceRpm } from '../../../src/scanning/inventory/analyzers/rpmdb.js';
import { matchInventory } from '../../../src/scanning/match/matcher.js';
import { importVulnDb } from '../../../src/scanning/vulndb/import.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { gzipLayer } from '../helpers/layers.js';
import { fixturePath, openVulnDb, silentLog } from '../helpers/vulndb.js';

const rockyOs = { name: 'etc/os-release', content: 'NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n' };

describe('rpm', () => {
  it('reads the SQLite rpmdb (WAL-mode file) and its file lists', async () => {
    const layer = await gzipLayer([
      rockyOs,
      { name: 'var/lib/rpm/rpmdb.sqlite', content: readFileSync(fixturePath('images/rpm/rpmdb.sqlite')) },
      { name: 'usr/lib/python3.9/site-packages/six-1.15.0.dist-info/METADATA', content: 'Name: six\nVersion: 1.15.0\n' },
      { name: 'usr/local/lib/python3.9/site-packages/idna-2.8.dist-info/METADATA', content: 'Name: idna\nVersion: 2.8\n' },
    ]);
    const inventory = await scanLayers([layer]);
    expect(inventory.os).toMatchObject({ id: 'rocky', versionId: '9.3', idLike: ['rhel', 'centos', 'fedora'] });
    expect(inventory.packages.map((p) => ({ type: p.type, name: p.name, version: p.version, arch: p.arch, source: p.source }))).toEqual([
      { type: 'rpm', name: 'berth-demo', version: '2:1.4.2-3.el9', arch: 'noarch', source: { name: 'berth-demo', version: '1.4.2-3.el9' } },
      { type: 'rpm', name: 'openssl-libs', version: '1:3.0.7-24.el9', arch: 'noarch', source: { name: 'openssl-libs', version: '3.0.7-24.el9' } },
      // six-1.15.0 belongs to berth-demo's file list, so only the pip-installed idna is a PyPI package.
      { type: 'pypi', name: 'idna', version: '2.8', arch: undefined, source: undefined },
    ]);
  });

  it('matches rpm packages by binary name and EVR in the Rocky Linux ecosystem, scoring CVSS', async () => {
    const work = await tempDir('rpm');
    const db = openVulnDb();
    try {
      // A hand-written advisory in the shape osv.dev publishes for Rocky Linux.
      const record = {
        id: 'RLSA-2099:0001',
        modified: '2099-01-01T00:00:00Z',
        aliases: ['CVE-2099-1111'],
        summary: 'Important: openssl security update',
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
        affected: [
          {
            package: { ecosystem: 'Rocky Linux:9', name: 'openssl-libs' },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:3.0.7-25.el9_3' }] }],
          },
          {
            package: { ecosystem: 'Rocky Linux:8', name: 'openssl-libs' },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:1.1.1k-12.el8_9' }] }],
          },
        ],
      };
      await writeFile(join(work, 'RLSA-2099-0001.json'), JSON.stringify(record));
      await importVulnDb(db.store, work, silentLog, { source: 'rocky' });
      const layer = await gzipLayer([rockyOs, { name: 'var/lib/rpm/rpmdb.sqlite', content: readFileSync(fixturePath('images/rpm/rpmdb.sqlite')) }]);
      const findings = await matchInventory(await scanLayers([layer]), db.store);
      expect(findings).toEqual([
        expect.objectContaining({
          packageName: 'openssl-libs',
          packageVersion: '1:3.0.7-24.el9',
          ecosystem: 'Rocky Linux:9',
          vulnerabilityId: 'RLSA-2099:0001',
          cveId: 'CVE-2099-1111',
          fixedVersion: '1:3.0.7-25.el9_3',
          severity: 'HIGH',
          severitySource: 'cvss',
          cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', baseScore: 7.5 },
        }),
      ]);
      expect(findings[0]!.sourcePackage).toBeUndefined();
    } finally {
      db.close();
      await removeDir(work);
    }
  });

  it('warns that BerkeleyDB rpm databases are not read', async () => {
    const inventory = await scanLayers([await gzipLayer([rockyOs, { name: 'var/lib/rpm/Packages', content: Buffer.alloc(4096) }])]);
    expect(inventory.warnings).toEqual(['rpm database var/lib/rpm/Packages is in BerkeleyDB/NDB format; only the SQLite rpmdb is read']);
  });

  it('splits source RPM file names', () => {
    expect(parseSourceRpm('openssl-3.0.7-24.el9.src.rpm')).toEqual({ name: 'openssl', version: '3.0.7-24.el9' });
    expect(parseSourceRpm('python3.11-3.11.5-1.el9_3.src.rpm')).toEqual({ name: 'python3.11', version: '3.11.5-1.el9_3' });
    expect(parseSourceRpm('(none)')).toBeUndefined();
  });
});
