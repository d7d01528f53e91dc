import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanLayers } from '../../../src/scanning/inventory/scan-layers.js';
import { matchInventory } from '../../../src/scanning/match/matcher.js';
import { importVulnDb } from '../../../src/scanning/vulndb/import.js';
import { gzipLayer } from '../helpers/layers.js';
import { fixturePath, openVulnDb, silentLog } from '../helpers/vulndb.js';

describe('Debian security tracker data against the minbase image', () => {
  const db = openVulnDb();
  beforeAll(async () => {
    await importVulnDb(db.store, fixturePath('vulndb/debian-tracker/tracker-sample.json'), silentLog);
  });
  afterAll(() => db.close());

  it('reports open issues without a fix, resolved ones below the fix, and the tracker urgency', async () => {
    const dir = 'vulndb/debian-bookworm/installed';
    const layer = await gzipLayer([
      { name: 'etc/os-release', content: readFileSync(fixturePath(`${dir}/minbase.os-release`)) },
      { name: 'var/lib/dpkg/status', content: readFileSync(fixturePath(`${dir}/minbase.status`)) },
    ]);
    const findings = await matchInventory(await scanLayers([layer]), db.store);
    expect(findings.map((f) => [f.packageName, f.vulnerabilityId, f.severity, f.fixedVersion ?? null])).toEqual([
      ['perl-base', 'DEBIAN-CVE-2099-0001', 'MEDIUM', '5.36.0-7+deb12u4'],
      ['libc-bin', 'DEBIAN-CVE-2010-4756', 'INFORMATIONAL', null],
      ['libc6', 'DEBIAN-CVE-2010-4756', 'INFORMATIONAL', null],
      ['perl-base', 'DEBIAN-CVE-2011-4116', 'INFORMATIONAL', null],
      ['tar', 'DEBIAN-CVE-2005-2541', 'INFORMATIONAL', null],
    ]);
    expect(findings[0]).toMatchObject({
      sourcePackage: 'perl',
      severitySource: 'database',
      uri: 'https://security-tracker.debian.org/tracker/CVE-2099-0001',
      summary: expect.stringMatching(/^Invented sample issue/),
    });
  });
});
