/**
 * Conformance cases for the VulnDbStore (imports with their counts and version, lookups by
 * package, status), run inside describeMetadataStoreConformance against every implementation.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { OsvRecord } from '../../src/domain/osv.js';
import type { MetadataStore } from '../../src/metadata/store.js';
import type { ImportOptions, PackageKey, SourceDescriptor } from '../../src/metadata/vulndb-store.js';
import { at } from './conformance-helpers.js';

const record = (id: string, ecosystem: string, name: string, fixed = '2.0.0', extra: Partial<OsvRecord> = {}): OsvRecord => ({
  id,
  modified: '2026-01-01T00:00:00Z',
  affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
  ...extra,
});

async function* feed(records: OsvRecord[]): AsyncGenerator<OsvRecord> {
  yield* records;
}

const source = (name: string, location = `/feeds/${name}`): SourceDescriptor => ({ name, format: 'osv-dir', location });

export function describeVulnDbStoreConformance(current: () => { store: MetadataStore }): void {
  describe('vulnerability database store', () => {
    let store: MetadataStore;
    beforeEach(() => {
      ({ store } = current());
    });

    const importFeed = (name: string, records: OsvRecord[], options: Partial<ImportOptions> = {}, seconds = 0) =>
      store.vulnDb.importSource(source(name), feed(records), { removeMissing: true, now: () => at(seconds), ...options });
    const idsFor = async (keys: PackageKey[]) => [...(await store.vulnDb.advisoriesFor(keys)).values()].map((records) => records.map((r) => `${r.id}`));

    it('finds records by exact ecosystem, by ecosystem prefix, and by normalised PyPI name', async () => {
      await importFeed('s', [
        record('A', 'Red Hat:enterprise_linux:9::appstream', 'openssl'),
        record('B', 'Red Hat:enterprise_linux:90::baseos', 'openssl'),
        record('C', 'PyPI', 'Zope.Interface'),
        record('D', 'Debian:12', 'openssl'),
        record('E', 'Red Hat:enterprise_linux:9::baseos', 'openssl'),
      ]);
      expect(
        await idsFor([
          { ecosystem: 'Red Hat:enterprise_linux:9:', ecosystemPrefix: true, name: 'openssl' },
          { ecosystem: 'PyPI', name: 'zope-interface' },
          { ecosystem: 'Debian:11', name: 'openssl' },
          { ecosystem: 'Debian:1', name: 'openssl' },
          { ecosystem: 'Debian:1', ecosystemPrefix: true, name: 'openssl' },
        ]),
      ).toEqual([['A', 'E'], ['C'], [], [], ['D']]);
      const map = await store.vulnDb.advisoriesFor([{ ecosystem: 'Debian:12', name: 'openssl' }]);
      expect([...map.keys()]).toEqual(['exact\u0000Debian:12\u0000openssl']);
      expect([...map.values()][0]).toEqual([record('D', 'Debian:12', 'openssl')]);
      expect(await store.vulnDb.advisoriesFor([])).toEqual(new Map());
      // Package names come from images: one no advisory can name finds nothing, and breaks nothing.
      expect(await idsFor([{ ecosystem: 'Debian:12', name: 'open\u0000ssl' }, { ecosystem: 'Debian:12', name: 'openssl' }])).toEqual([[], ['D']]);
    });

    it('lists a record once per key though several of its affected entries match, in source order', async () => {
      const both = record('X', 'Alpine:v3.19', 'musl', '1.2.4', {
        affected: [
          { package: { ecosystem: 'Alpine:v3.19', name: 'musl' } },
          { package: { ecosystem: 'Alpine:v3.20', name: 'musl' } },
        ],
      });
      await importFeed('b-source', [both]);
      await importFeed('a-source', [record('X', 'Alpine:v3.20', 'musl')]);
      const found = (await store.vulnDb.advisoriesFor([{ ecosystem: 'Alpine:v3', ecosystemPrefix: true, name: 'musl' }])).values().next().value!;
      expect(found.map((r) => r.affected!.length)).toEqual([2, 1]);
      expect((await store.vulnDb.advisoriesFor([{ ecosystem: 'Alpine:v3.20', name: 'musl' }])).values().next().value!.map((r) => r.affected!.length)).toEqual([1, 2]);
    });

    it('keeps sources apart: the same id from two sources is two records, and emptying one leaves the other', async () => {
      await importFeed('one', [record('X', 'npm', 'lodash', '4.17.21')]);
      await importFeed('two', [record('X', 'npm', 'lodash', '4.17.12')]);
      const [found] = (await store.vulnDb.advisoriesFor([{ ecosystem: 'npm', name: 'lodash' }])).values();
      expect(found!.map((r) => r.affected![0]!.ranges![0]!.events[1])).toEqual([{ fixed: '4.17.21' }, { fixed: '4.17.12' }]);
      expect(await store.vulnDb.status()).toMatchObject({ version: 2, records: 2, sources: [{ name: 'one', records: 1 }, { name: 'two', records: 1 }] });
      await importFeed('one', []);
      expect(await store.vulnDb.status()).toMatchObject({ version: 3, records: 1 });
      expect(await idsFor([{ ecosystem: 'npm', name: 'lodash' }])).toEqual([['X']]);
    });

    it('counts added, updated, unchanged and removed records, and moves the version only on a change', async () => {
      const first = await importFeed('debian', [record('A', 'Debian:12', 'tar'), record('B', 'Debian:12', 'zlib'), record('C', 'Debian:12', 'curl')], {}, 1);
      expect(first).toEqual({ source: 'debian', added: 3, updated: 0, unchanged: 0, removed: 0, records: 3, version: 1, changed: true });
      const same = await importFeed('debian', [record('C', 'Debian:12', 'curl'), record('A', 'Debian:12', 'tar'), record('B', 'Debian:12', 'zlib')], {}, 2);
      expect(same).toEqual({ source: 'debian', added: 0, updated: 0, unchanged: 3, removed: 0, records: 3, version: 1, changed: false });
      const next = await importFeed('debian', [record('A', 'Debian:12', 'tar', '3.0'), record('C', 'Debian:12', 'curl'), record('D', 'Debian:12', 'gzip')], {}, 3);
      expect(next).toEqual({ source: 'debian', added: 1, updated: 1, unchanged: 1, removed: 1, records: 3, version: 2, changed: true });
      expect(await store.vulnDb.version()).toBe(2);
      // A changed record is indexed under its new packages only.
      await importFeed('debian', [record('A', 'Debian:12', 'tar-ng'), record('C', 'Debian:12', 'curl'), record('D', 'Debian:12', 'gzip')], {}, 4);
      expect(await idsFor([{ ecosystem: 'Debian:12', name: 'tar' }, { ecosystem: 'Debian:12', name: 'tar-ng' }, { ecosystem: 'Debian:12', name: 'zlib' }])).toEqual([
        [],
        ['A'],
        [],
      ]);
      expect(await store.vulnDb.status()).toEqual({
        version: 3,
        updatedAt: at(4).toISOString(),
        records: 3,
        sources: [{ name: 'debian', format: 'osv-dir', location: '/feeds/debian', records: 3, lastImportAt: at(4).toISOString(), lastChangeAt: at(4).toISOString() }],
      });
      await importFeed('debian', [record('A', 'Debian:12', 'tar-ng'), record('C', 'Debian:12', 'curl'), record('D', 'Debian:12', 'gzip')], {}, 5);
      expect((await store.vulnDb.status()).sources[0]).toMatchObject({ lastImportAt: at(5).toISOString(), lastChangeAt: at(4).toISOString() });
    });

    it('removes missing records only when the importer says so once everything was read', async () => {
      await importFeed('feed', [record('A', 'Go', 'example.com/a'), record('B', 'Go', 'example.com/b')]);
      let asked = 0;
      const kept = await importFeed('feed', [record('A', 'Go', 'example.com/a')], { removeMissing: () => (asked++, false) });
      expect(asked).toBe(1);
      expect(kept).toMatchObject({ removed: 0, records: 2, changed: false, version: 1 });
      expect(await idsFor([{ ecosystem: 'Go', name: 'example.com/b' }])).toEqual([['B']]);
      const removed = await importFeed('feed', [record('A', 'Go', 'example.com/a')], { removeMissing: () => true });
      expect(removed).toMatchObject({ removed: 1, records: 1, changed: true, version: 2 });
      expect(await idsFor([{ ecosystem: 'Go', name: 'example.com/b' }])).toEqual([[]]);
    });

    it('imports thousands of records across batches, a repeated id counted once and the last one kept', async () => {
      const records = Array.from({ length: 2500 }, (_, i) => record(`GO-${String(i).padStart(5, '0')}`, 'Go', `example.com/m${i % 50}`));
      // GO-00007 again, far later (another batch), changed.
      records.push(record('GO-00007', 'Go', 'example.com/changed'));
      const outcome = await importFeed('go', records);
      expect(outcome).toMatchObject({ added: 2500, updated: 0, unchanged: 0, records: 2500, version: 1 });
      expect(await idsFor([{ ecosystem: 'Go', name: 'example.com/changed' }, { ecosystem: 'Go', name: 'example.com/m7' }])).toEqual([
        ['GO-00007'],
        Array.from({ length: 49 }, (_, i) => `GO-${String(57 + i * 50).padStart(5, '0')}`),
      ]);
    });

    it('keeps feed validators per URL (berth vulndb update), the last put replacing the one before', async () => {
      expect(await store.vulnDb.getFeedValidators('https://example.invalid/a.zip')).toBeUndefined();
      await store.vulnDb.putFeedValidators('https://example.invalid/a.zip', { etag: '"1"', importedAt: at(1).toISOString() });
      await store.vulnDb.putFeedValidators('https://example.invalid/b.json', { lastModified: 'Mon, 01 Dec 2025 10:00:00 GMT', importedAt: at(2).toISOString() });
      await store.vulnDb.putFeedValidators('https://example.invalid/a.zip', { lastModified: 'Tue, 02 Dec 2025 10:00:00 GMT', importedAt: at(3).toISOString() });
      expect(await store.vulnDb.getFeedValidators('https://example.invalid/a.zip')).toEqual({ lastModified: 'Tue, 02 Dec 2025 10:00:00 GMT', importedAt: at(3).toISOString() });
      expect(await store.vulnDb.getFeedValidators('https://example.invalid/b.json')).toEqual({ lastModified: 'Mon, 01 Dec 2025 10:00:00 GMT', importedAt: at(2).toISOString() });
      await store.vulnDb.putFeedValidators('https://example.invalid/b.json', { etag: 'W/"x"', lastModified: 'Wed, 03 Dec 2025 10:00:00 GMT', importedAt: at(4).toISOString() });
      expect(await store.vulnDb.getFeedValidators('https://example.invalid/b.json')).toEqual({ etag: 'W/"x"', lastModified: 'Wed, 03 Dec 2025 10:00:00 GMT', importedAt: at(4).toISOString() });
    });

    it('reports an empty database', async () => {
      expect(await store.vulnDb.status()).toEqual({ version: 0, records: 0, sources: [] });
      expect(await store.vulnDb.version()).toBe(0);
    });
  });
}
