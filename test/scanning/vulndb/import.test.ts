import { cp, readFile, unlink, writeFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importVulnDb, vulnDbStatus } from '../../../src/scanning/vulndb/import.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { fixturePath, openVulnDb, silentLog } from '../helpers/vulndb.js';

describe('vulndb import', () => {
  let db: ReturnType<typeof openVulnDb>;
  beforeEach(() => {
    db = openVulnDb();
  });
  afterEach(() => db.close());

  it('imports the Go vulnerability database from an OSV zip export', async () => {
    const summary = await importVulnDb(db.store, fixturePath('vulndb/go-vulndb/Go-all.zip'), silentLog);
    expect(summary).toMatchObject({ format: 'osv-zip', source: 'Go-all', files: 4291, added: 4291 - summary.withdrawn, problems: [], changed: true, version: 1 });
    expect(summary.records).toBe(summary.added);
    const hits = await db.store.advisoriesFor([{ ecosystem: 'Go', name: 'github.com/gin-gonic/gin' }]);
    expect([...hits.values()][0]!.map((r) => r.id)).toContain('GO-2020-0001');
  });

  it('imports PyPA YAML advisories with every version kept as a string', async () => {
    const summary = await importVulnDb(db.store, fixturePath('vulndb/pypa-advisory-db'), silentLog);
    expect(summary).toMatchObject({ format: 'osv-dir', source: 'pypa-advisory-db', files: 240, problems: [] });
    // PYSEC-2014-13 lists "0.12.01" and "2.3.0"; YAML's core schema would turn such values into numbers.
    const hits = await db.store.advisoriesFor([{ ecosystem: 'PyPI', name: 'Requests' }]);
    const record = [...hits.values()][0]!.find((r) => r.id === 'PYSEC-2014-13')!;
    expect(record.affected![0]!.versions).toContain('0.12.01');
    expect(record.affected![0]!.ranges![0]!.events).toEqual([{ introduced: '0' }, { fixed: '2.3.0' }]);
  });

  it('converts the Alpine secdb, skipping "0" (never affected) fixes', async () => {
    const summary = await importVulnDb(db.store, fixturePath('vulndb/alpine-secdb'), silentLog);
    expect(summary).toMatchObject({ format: 'alpine-secdb', source: 'alpine-secdb', files: 18, problems: [] });
    const hits = [...(await db.store.advisoriesFor([{ ecosystem: 'Alpine:v3.7', name: 'musl' }])).values()][0]!;
    const musl = hits.find((r) => r.id === 'ALPINE-CVE-2019-14697')!;
    expect(musl.aliases).toEqual(['CVE-2019-14697']);
    const v37 = musl.affected!.find((a) => a.package!.ecosystem === 'Alpine:v3.7')!;
    expect(v37.ranges).toEqual([{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1.18-r4' }] }]);
    // Xen advisories listed as "CVE-2017-8904 XSA-214" keep both ids.
    const xen = [...(await db.store.advisoriesFor([{ ecosystem: 'Alpine:v3.5', name: 'xen' }])).values()][0]!;
    expect(xen.find((r) => r.id === 'ALPINE-CVE-2017-8904')?.aliases).toEqual(['CVE-2017-8904', 'XSA-214']);
  });

  it('converts the Debian security tracker JSON', async () => {
    const summary = await importVulnDb(db.store, fixturePath('vulndb/debian-tracker/tracker-sample.json'), silentLog);
    expect(summary).toMatchObject({ format: 'debian-tracker', problems: [] });
    const hits = await db.store.advisoriesFor([
      { ecosystem: 'Debian:12', name: 'zlib' },
      { ecosystem: 'Debian:12', name: 'systemd' },
      { ecosystem: 'Debian:12', name: 'tar' },
      { ecosystem: 'Debian:11', name: 'glibc' },
    ]);
    const [zlib, systemd, tar, glibc11] = [...hits.values()];
    expect(zlib).toEqual([]); // fixed_version "0": never affected in bookworm
    expect(systemd).toEqual([]); // "undetermined" is not evidence
    expect(tar!.map((r) => r.id)).toEqual(['DEBIAN-CVE-2005-2541']); // TEMP- id skipped
    expect(tar![0]!.affected!.find((a) => a.package!.ecosystem === 'Debian:12')).toEqual({
      package: { ecosystem: 'Debian:12', name: 'tar', purl: 'pkg:deb/debian/tar?distro=debian-12' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
      database_specific: { urgency: 'unimportant', severity: 'INFORMATIONAL' },
    });
    expect(glibc11!.map((r) => r.id).sort()).toEqual(['DEBIAN-CVE-2010-4756', 'DEBIAN-CVE-2023-4911']);
    expect(summary.records).toBe(6);
  });

  it('keeps a version counter that only moves when records change, and reports per-source status', async () => {
    const work = await tempDir('vulndb');
    try {
      const dir = join(work, 'osv');
      await cp(fixturePath('vulndb/debian-bookworm/osv'), dir, { recursive: true });
      const t1 = new Date('2026-01-01T00:00:00Z');
      const first = await importVulnDb(db.store, dir, silentLog, { source: 'debian', now: () => t1 });
      expect(first).toMatchObject({ records: 82, added: 82, version: 1, changed: true });

      const again = await importVulnDb(db.store, dir, silentLog, { source: 'debian', now: () => new Date('2026-01-02T00:00:00Z') });
      expect(again).toMatchObject({ records: 82, added: 0, updated: 0, unchanged: 82, removed: 0, version: 1, changed: false });

      await unlink(join(dir, 'DEBIAN-CVE-2024-28757.json'));
      const removed = await importVulnDb(db.store, dir, silentLog, { source: 'debian', now: () => new Date('2026-01-03T00:00:00Z') });
      expect(removed).toMatchObject({ records: 81, removed: 1, version: 2, changed: true });
      expect((await db.store.advisoriesFor([{ ecosystem: 'Debian:12', name: 'expat' }])).values().next().value!.map((r) => r.id)).not.toContain(
        'DEBIAN-CVE-2024-28757',
      );

      // A damaged file is reported and blocks removals, so nothing is lost.
      await unlink(join(dir, 'DEBIAN-CVE-2025-13465.json'));
      await writeFile(join(dir, 'broken.json'), '{"id": "X", ');
      const damaged = await importVulnDb(db.store, dir, silentLog, { source: 'debian' });
      expect(damaged.problems).toEqual([{ file: 'broken.json', message: expect.stringMatching(/^broken\.json: not valid JSON/) }]);
      expect(damaged).toMatchObject({ removed: 0, records: 81, changed: false, version: 2 });

      const status = await vulnDbStatus(db.store);
      expect(status).toMatchObject({
        version: 2,
        updatedAt: '2026-01-03T00:00:00.000Z',
        records: 81,
        sources: [{ name: 'debian', format: 'osv-dir', location: dir, records: 81, lastChangeAt: '2026-01-03T00:00:00.000Z' }],
      });
    } finally {
      await removeDir(work);
    }
  });

  it('imports Alpine secdb published as JSON (what vulndb update fetches) like its YAML', async () => {
    const dir = await tempDir('secdb-json');
    try {
      const json = join(dir, 'main.json');
      await writeFile(json, JSON.stringify(parseYaml(await readFile(fixturePath('vulndb/alpine-secdb/v3.7/main.yaml'), 'utf8'))));
      const fromJson = await importVulnDb(db.store, json, silentLog, { source: 'json' });
      const fromYaml = await importVulnDb(db.store, fixturePath('vulndb/alpine-secdb/v3.7/main.yaml'), silentLog, { source: 'yaml' });
      expect(fromJson).toMatchObject({ format: 'alpine-secdb', records: fromYaml.records, problems: [] });
    } finally {
      await removeDir(dir);
    }
  });

  it('keeps feed validators per URL (berth vulndb update)', async () => {
    expect(await db.store.getFeedValidators('https://example.invalid/a.zip')).toBeUndefined();
    await db.store.putFeedValidators('https://example.invalid/a.zip', { etag: '"1"', importedAt: '2026-01-01T00:00:00.000Z' });
    await db.store.putFeedValidators('https://example.invalid/b.json', { lastModified: 'Mon, 01 Dec 2025 10:00:00 GMT', importedAt: '2026-01-02T00:00:00.000Z' });
    await db.store.putFeedValidators('https://example.invalid/a.zip', { etag: '"2"', importedAt: '2026-01-03T00:00:00.000Z' });
    expect(await db.store.getFeedValidators('https://example.invalid/a.zip')).toEqual({ etag: '"2"', importedAt: '2026-01-03T00:00:00.000Z' });
    expect(await db.store.getFeedValidators('https://example.invalid/b.json')).toEqual({ lastModified: 'Mon, 01 Dec 2025 10:00:00 GMT', importedAt: '2026-01-02T00:00:00.000Z' });
  });

  it('derives source names from the path and refuses paths it cannot read', async () => {
    const summary = await importVulnDb(db.store, fixturePath('vulndb/debian-bookworm/osv'), silentLog);
    expect(summary.source).toBe('debian-bookworm/osv');
    await expect(importVulnDb(db.store, fixturePath('vulndb/nope'), silentLog)).rejects.toThrow(/no file or folder at/);
    await expect(importVulnDb(db.store, fixturePath('images/README.md'), silentLog)).rejects.toThrow(/cannot tell the format of README\.md/);
  });
});
