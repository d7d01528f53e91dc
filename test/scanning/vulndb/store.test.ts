import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OsvRecord } from '../../../src/domain/osv.js';
import { openVulnDb } from '../helpers/vulndb.js';

const record = (id: string, ecosystem: string, name: string, fixed = '2.0.0'): OsvRecord => ({
  id,
  modified: '2026-01-01T00:00:00Z',
  affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
});

async function* feed(records: OsvRecord[]): AsyncGenerator<OsvRecord> {
  yield* records;
}

describe('SQLite vulnerability store', () => {
  let db: ReturnType<typeof openVulnDb>;
  beforeEach(() => {
    db = openVulnDb();
  });
  afterEach(() => db.close());

  it('answers lookups through the (name, ecosystem) index, never a table scan', () => {
    const plan = db.database.db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT a.record FROM vulndb_affected f
         JOIN vulndb_advisories a ON a.source = f.source AND a.id = f.advisory_id WHERE f.name = ? AND f.ecosystem = ?`,
      )
      .all('openssl', 'Debian:12') as { detail: string }[];
    expect(plan.map((p) => p.detail)).toEqual([
      'SEARCH f USING PRIMARY KEY (name=? AND ecosystem=?)',
      expect.stringMatching(/^SEARCH a USING INDEX .* \(source=\? AND id=\?\)$/),
    ]);
  });

  it('finds records by exact ecosystem, by ecosystem prefix, and by normalised PyPI name', async () => {
    await db.store.importSource(
      { name: 's', format: 'osv-dir', location: '/x' },
      feed([
        record('A', 'Red Hat:enterprise_linux:9::appstream', 'openssl'),
        record('B', 'Red Hat:enterprise_linux:90::baseos', 'openssl'),
        record('C', 'PyPI', 'Zope.Interface'),
        record('D', 'Debian:12', 'openssl'),
      ]),
      { removeMissing: true },
    );
    const hits = [
      ...(
        await db.store.advisoriesFor([
          { ecosystem: 'Red Hat:enterprise_linux:9:', ecosystemPrefix: true, name: 'openssl' },
          { ecosystem: 'PyPI', name: 'zope-interface' },
          { ecosystem: 'Debian:11', name: 'openssl' },
        ])
      ).values(),
    ].map((records) => records.map((r) => r.id));
    expect(hits).toEqual([['A'], ['C'], []]);
  });

  it('keeps sources apart: the same id from two sources is two records', async () => {
    await db.store.importSource({ name: 'one', format: 'osv-dir', location: '/1' }, feed([record('X', 'npm', 'lodash', '4.17.21')]), { removeMissing: true });
    await db.store.importSource({ name: 'two', format: 'osv-zip', location: '/2' }, feed([record('X', 'npm', 'lodash', '4.17.12')]), { removeMissing: true });
    const [found] = (await db.store.advisoriesFor([{ ecosystem: 'npm', name: 'lodash' }])).values();
    expect(found!.map((r) => r.affected![0]!.ranges![0]!.events[1])).toEqual(expect.arrayContaining([{ fixed: '4.17.21' }, { fixed: '4.17.12' }]));
    const status = await db.store.status();
    expect(status).toMatchObject({ version: 2, records: 2, sources: [{ name: 'one', records: 1 }, { name: 'two', records: 1 }] });
    // Emptying one source leaves the other alone.
    await db.store.importSource({ name: 'one', format: 'osv-dir', location: '/1' }, feed([]), { removeMissing: true });
    expect(await db.store.status()).toMatchObject({ version: 3, records: 1 });
  });
});
