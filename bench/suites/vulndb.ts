import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { createDatabase, startPostgres } from '../../test/engines/postgres.js';
import { REPO_ROOT } from '../lib/paths.js';
import { median, spread } from '../lib/stats.js';
import type { Row, Suite } from '../lib/types.js';

/**
 * Importing the vulnerability database on each metadata engine: every feed under
 * test/fixtures/vulndb (the Go database's OSV zip, PyPA's YAML advisories, the Alpine secdb, a
 * Debian tracker sample, Debian OSV records: 7,069 records, 8.6 MB of OSV JSON) imported as `berth vulndb import`
 * does (importVulnDb, from dist/), into a fresh SQLite file and a fresh PostgreSQL database (the
 * engines harness's private server: test/engines/postgres.ts, durability off), then imported
 * again unchanged. A third figure feeds the records from memory, so it is the store's writing
 * alone, without reading and parsing the feeds.
 */
const FIXTURES = ['go-vulndb/Go-all.zip', 'pypa-advisory-db', 'alpine-secdb', 'debian-tracker/tracker-sample.json', 'debian-bookworm/osv'];

interface VulnDbLike {
  importSource(source: { name: string; format: string; location: string }, records: AsyncIterable<unknown>, options: { removeMissing: boolean }): Promise<unknown>;
}
interface StoreLike {
  vulnDb: VulnDbLike;
  close(): Promise<void>;
}

const suite: Suite = {
  name: 'vulndb',
  description: 'vulnerability-database import of the test fixtures (7,069 advisories) on SQLite and on PostgreSQL',
  async run(ctx) {
    const dist = (path: string) => pathToFileURL(join(REPO_ROOT, 'dist', path)).href;
    const { SqliteMetadataStore } = (await import(dist('metadata/sqlite/store.js'))) as { SqliteMetadataStore: { open(file: string): StoreLike } };
    const { PostgresMetadataStore } = (await import(dist('metadata/postgres/store.js'))) as { PostgresMetadataStore: { open(o: { url: string }): Promise<StoreLike> } };
    const { importVulnDb } = (await import(dist('scanning/vulndb/import.js'))) as {
      importVulnDb(store: VulnDbLike, path: string, log: pino.Logger): Promise<{ records: number }>;
    };
    const { feedForPath } = (await import(dist('scanning/vulndb/detect.js'))) as {
      feedForPath(path: string): Promise<{ format: string; records: AsyncIterable<unknown> }>;
    };
    const log = pino({ level: 'silent' });
    const paths = FIXTURES.map((f) => join(REPO_ROOT, 'test', 'fixtures', 'vulndb', f));

    ctx.log('reading the fixtures into memory');
    const feeds: { name: string; format: string; records: unknown[] }[] = [];
    for (const [i, path] of paths.entries()) {
      const feed = await feedForPath(path);
      const records: unknown[] = [];
      for await (const record of feed.records) records.push(record);
      feeds.push({ name: `feed-${i}`, format: feed.format, records });
    }
    const total = feeds.reduce((n, f) => n + f.records.length, 0);

    ctx.log('starting PostgreSQL');
    const postgres = await startPostgres();
    let databases = 0;
    const engines: { name: string; open(): Promise<StoreLike> }[] = [
      { name: 'SQLite', open: async () => SqliteMetadataStore.open(join(ctx.workDir, `metadata-${databases++}.db`)) },
      { name: 'PostgreSQL', open: async () => PostgresMetadataStore.open({ url: await createDatabase(postgres.url, `bench_vulndb_${databases++}`) }) },
    ];
    const timed = async (fn: () => Promise<unknown>) => {
      const started = process.hrtime.bigint();
      await fn();
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const figures = new Map<string, number[]>();
    const record = (key: string, ms: number) => figures.set(key, [...(figures.get(key) ?? []), ms]);
    try {
      for (let rep = 0; rep < (ctx.quick ? 1 : 3); rep++) {
        for (const engine of engines) {
          ctx.log(`${engine.name}: repetition ${rep + 1}`);
          const store = await engine.open();
          try {
            record(`${engine.name} first`, await timed(async () => {
              for (const path of paths) await importVulnDb(store.vulnDb, path, log);
            }));
            record(`${engine.name} again`, await timed(async () => {
              for (const path of paths) await importVulnDb(store.vulnDb, path, log);
            }));
          } finally {
            await store.close();
          }
          const fresh = await engine.open();
          try {
            record(`${engine.name} write`, await timed(async () => {
              for (const feed of feeds) {
                await fresh.vulnDb.importSource({ name: feed.name, format: feed.format, location: 'memory' }, (async function* () { yield* feed.records; })(), { removeMissing: true });
              }
            }));
          } finally {
            await fresh.close();
          }
        }
      }
    } finally {
      await postgres.stop();
    }

    const rows: Row[] = [];
    for (const [what, label] of [
      ['first', `import the fixtures (${total} records), fresh database`],
      ['again', 'import them again, unchanged'],
      ['write', `store only: ${total} records from memory, fresh database`],
    ] as const) {
      const sqlite = figures.get(`SQLite ${what}`)!;
      const pg = figures.get(`PostgreSQL ${what}`)!;
      rows.push({
        metric: `${label} (PostgreSQL vs SQLite)`,
        unit: 'ms',
        berth: median(pg),
        baseline: { name: 'SQLite', value: median(sqlite) },
        higherIsBetter: false,
        note: `PostgreSQL ${spread(pg)}; SQLite ${spread(sqlite)}`,
      });
    }
    return rows;
  },
};

export default suite;
