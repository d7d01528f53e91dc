import { normalizePackageName, type OsvRecord } from '../../domain/osv.js';
import {
  type AdvisoryRow,
  type AdvisoryWrite,
  type SourceRow,
  advisoryLists,
  affectedPackages,
  missingIds,
  prefixEnd,
  readImport,
  vulnDbStatusOf,
} from '../vulndb-records.js';
import type { FeedValidators, ImportOptions, ImportOutcome, PackageKey, SourceDescriptor, VulnDbStatus, VulnDbStore } from '../vulndb-store.js';
import type { SqliteDatabase } from './database.js';

const BATCH = 500;

const EXACT = `SELECT a.source, a.id, a.record FROM vulndb_affected f
  JOIN vulndb_advisories a ON a.source = f.source AND a.id = f.advisory_id
  WHERE f.name = ? AND f.ecosystem = ?`;
const PREFIX = `SELECT a.source, a.id, a.record FROM vulndb_affected f
  JOIN vulndb_advisories a ON a.source = f.source AND a.id = f.advisory_id
  WHERE f.name = ? AND f.ecosystem >= ? AND f.ecosystem < ?`;
const UPSERT = `INSERT INTO vulndb_advisories (source, id, modified, digest, record) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (source, id) DO UPDATE SET modified = excluded.modified, digest = excluded.digest, record = excluded.record`;
const CLEAR_AFFECTED = 'DELETE FROM vulndb_affected WHERE source = ? AND advisory_id = ?';
const ADD_AFFECTED = 'INSERT OR IGNORE INTO vulndb_affected (name, ecosystem, source, advisory_id) VALUES (?, ?, ?, ?)';
const UPSERT_SOURCE = `INSERT INTO vulndb_sources (name, format, location, record_count, last_import_at, last_change_at)
  VALUES (@name, @format, @location, @total, @now, CASE WHEN @changed THEN @now END)
  ON CONFLICT (name) DO UPDATE SET format = excluded.format, location = excluded.location,
    record_count = excluded.record_count, last_import_at = excluded.last_import_at,
    last_change_at = CASE WHEN @changed THEN @now ELSE vulndb_sources.last_change_at END`;

/**
 * VulnDbStore on the metadata database (`vulnDbMigrations` applied). Imports write in batches of
 * short write transactions so the shared connection is never held for the whole import; removals
 * and the version bump happen in one final transaction.
 */
export class SqliteVulnDbStore implements VulnDbStore {
  constructor(private readonly database: SqliteDatabase) {}

  async advisoriesFor(keys: readonly PackageKey[]): Promise<Map<string, OsvRecord[]>> {
    const exact = this.database.stmt(EXACT);
    const prefix = this.database.stmt(PREFIX);
    return advisoryLists(keys, (key) => {
      const name = normalizePackageName(key.ecosystem, key.name);
      return (key.ecosystemPrefix ? prefix.all(name, key.ecosystem, prefixEnd(key.ecosystem)) : exact.all(name, key.ecosystem)) as AdvisoryRow[];
    });
  }

  async importSource(source: SourceDescriptor, records: AsyncIterable<OsvRecord>, options: ImportOptions): Promise<ImportOutcome> {
    const now = (options.now ?? (() => new Date()))().toISOString();
    const existing = new Map(
      (this.database.stmt('SELECT id, digest FROM vulndb_advisories WHERE source = ?').all(source.name) as { id: string; digest: string }[]).map((r) => [
        r.id,
        r.digest,
      ]),
    );
    const { counts, seen } = await readImport(existing, records, BATCH, async (batch) => this.writeBatch(source.name, batch));

    return this.database.write((): ImportOutcome => {
      const del = this.database.stmt('DELETE FROM vulndb_advisories WHERE source = ? AND id = ?');
      const clearAffected = this.database.stmt(CLEAR_AFFECTED);
      for (const id of missingIds(existing, seen, options)) {
        del.run(source.name, id);
        clearAffected.run(source.name, id);
        counts.removed++;
      }
      const changed = counts.added + counts.updated + counts.removed > 0;
      if (changed) this.database.stmt('UPDATE vulndb_state SET version = version + 1, updated_at = ? WHERE id = 1').run(now);
      const total = ((this.database.stmt('SELECT COUNT(*) AS n FROM vulndb_advisories WHERE source = ?').get(source.name) as { n: number } | undefined) ?? { n: 0 }).n;
      this.database
        .stmt(UPSERT_SOURCE)
        .run({ name: source.name, format: source.format, location: source.location, total, now, changed: changed ? 1 : 0 });
      return { source: source.name, ...counts, records: total, version: this.currentVersion(), changed };
    });
  }

  private writeBatch(source: string, batch: readonly AdvisoryWrite[]): void {
    this.database.write(() => {
      const upsert = this.database.stmt(UPSERT);
      const clearAffected = this.database.stmt(CLEAR_AFFECTED);
      const addAffected = this.database.stmt(ADD_AFFECTED);
      for (const { record, json, digest } of batch) {
        upsert.run(source, record.id, record.modified ?? null, digest, json);
        clearAffected.run(source, record.id);
        for (const p of affectedPackages(record)) addAffected.run(p.name, p.ecosystem, source, record.id);
      }
    });
  }

  async status(): Promise<VulnDbStatus> {
    const state = this.database.stmt('SELECT version, updated_at FROM vulndb_state WHERE id = 1').get() as { version: number; updated_at: string | null } | undefined;
    const rows = this.database
      .stmt('SELECT name, format, location, record_count, last_import_at, last_change_at FROM vulndb_sources ORDER BY name')
      .all() as SourceRow[];
    return vulnDbStatusOf(state, rows);
  }

  async version(): Promise<number> {
    return this.currentVersion();
  }

  async getFeedValidators(url: string): Promise<FeedValidators | undefined> {
    const row = this.database.stmt('SELECT etag, last_modified, imported_at FROM vulndb_feeds WHERE url = ?').get(url) as
      | { etag: string | null; last_modified: string | null; imported_at: string }
      | undefined;
    return row && { ...(row.etag !== null && { etag: row.etag }), ...(row.last_modified !== null && { lastModified: row.last_modified }), importedAt: row.imported_at };
  }

  async putFeedValidators(url: string, validators: FeedValidators): Promise<void> {
    this.database.write(() => {
      this.database
        .stmt(
          `INSERT INTO vulndb_feeds (url, etag, last_modified, imported_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, imported_at = excluded.imported_at`,
        )
        .run(url, validators.etag ?? null, validators.lastModified ?? null, validators.importedAt);
    });
  }

  private currentVersion(): number {
    return (this.database.stmt('SELECT version FROM vulndb_state WHERE id = 1').get() as { version: number } | undefined)?.version ?? 0;
  }
}
