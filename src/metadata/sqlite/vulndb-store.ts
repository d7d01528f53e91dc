import { createHash } from 'node:crypto';
import { normalizePackageName, type OsvRecord } from '../../domain/osv.js';
import {
  packageKeyString,
  type FeedValidators,
  type ImportOptions,
  type ImportOutcome,
  type PackageKey,
  type SourceDescriptor,
  type SourceStatus,
  type VulnDbStatus,
  type VulnDbStore,
} from '../vulndb-store.js';
import type { SqliteDatabase } from './database.js';

const BATCH = 500;

interface AdvisoryRow {
  source: string;
  id: string;
  record: string;
}

interface SourceRow {
  name: string;
  format: string;
  location: string;
  record_count: number;
  last_import_at: string;
  last_change_at: string | null;
}

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
    const parsed = new Map<string, OsvRecord>();
    const out = new Map<string, OsvRecord[]>();
    for (const key of keys) {
      const name = normalizePackageName(key.ecosystem, key.name);
      const rows = (key.ecosystemPrefix ? prefix.all(name, key.ecosystem, `${key.ecosystem}\uffff`) : exact.all(name, key.ecosystem)) as AdvisoryRow[];
      const records: OsvRecord[] = [];
      const seen = new Set<string>();
      for (const row of rows) {
        const cacheKey = `${row.source}\u0000${row.id}`;
        if (seen.has(cacheKey)) continue;
        seen.add(cacheKey);
        let record = parsed.get(cacheKey);
        if (!record) {
          record = JSON.parse(row.record) as OsvRecord;
          parsed.set(cacheKey, record);
        }
        records.push(record);
      }
      out.set(packageKeyString(key), records);
    }
    return out;
  }

  async importSource(source: SourceDescriptor, records: AsyncIterable<OsvRecord>, options: ImportOptions): Promise<ImportOutcome> {
    const now = (options.now ?? (() => new Date()))().toISOString();
    const existing = new Map(
      (this.database.stmt('SELECT id, digest FROM vulndb_advisories WHERE source = ?').all(source.name) as { id: string; digest: string }[]).map((r) => [
        r.id,
        r.digest,
      ]),
    );
    const seen = new Set<string>();
    const counts = { added: 0, updated: 0, unchanged: 0, removed: 0 };
    const writeBatch = (batch: { record: OsvRecord; json: string; digest: string }[]): void =>
      this.database.write(() => {
        const upsert = this.database.stmt(UPSERT);
        const clearAffected = this.database.stmt(CLEAR_AFFECTED);
        const addAffected = this.database.stmt(ADD_AFFECTED);
        for (const { record, json, digest } of batch) {
          upsert.run(source.name, record.id, record.modified ?? null, digest, json);
          clearAffected.run(source.name, record.id);
          for (const a of record.affected ?? []) {
            if (!a.package) continue;
            addAffected.run(normalizePackageName(a.package.ecosystem, a.package.name), a.package.ecosystem, source.name, record.id);
          }
        }
      });

    let batch: { record: OsvRecord; json: string; digest: string }[] = [];
    for await (const record of records) {
      // A source may repeat an id (e.g. one advisory per file in two folders); the last one wins.
      const json = JSON.stringify(record);
      const digest = createHash('sha256').update(json).digest('hex');
      const previous = existing.get(record.id);
      const again = seen.has(record.id);
      seen.add(record.id);
      if (previous === digest) {
        if (!again) counts.unchanged++;
        continue;
      }
      if (!again) {
        if (previous === undefined) counts.added++;
        else counts.updated++;
      }
      existing.set(record.id, digest);
      batch.push({ record, json, digest });
      if (batch.length >= BATCH) {
        writeBatch(batch);
        batch = [];
      }
    }
    if (batch.length) writeBatch(batch);

    return this.database.write((): ImportOutcome => {
      const remove = typeof options.removeMissing === 'function' ? options.removeMissing() : options.removeMissing;
      if (remove) {
        const del = this.database.stmt('DELETE FROM vulndb_advisories WHERE source = ? AND id = ?');
        const clearAffected = this.database.stmt(CLEAR_AFFECTED);
        for (const id of existing.keys()) {
          if (seen.has(id)) continue;
          del.run(source.name, id);
          clearAffected.run(source.name, id);
          counts.removed++;
        }
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

  async status(): Promise<VulnDbStatus> {
    const state = this.database.stmt('SELECT version, updated_at FROM vulndb_state WHERE id = 1').get() as { version: number; updated_at: string | null } | undefined;
    const rows = this.database
      .stmt('SELECT name, format, location, record_count, last_import_at, last_change_at FROM vulndb_sources ORDER BY name')
      .all() as SourceRow[];
    const sources = rows.map(
      (r): SourceStatus => ({
        name: r.name,
        format: r.format,
        location: r.location,
        records: r.record_count,
        lastImportAt: r.last_import_at,
        ...(r.last_change_at ? { lastChangeAt: r.last_change_at } : {}),
      }),
    );
    return {
      version: state?.version ?? 0,
      ...(state?.updated_at ? { updatedAt: state.updated_at } : {}),
      records: sources.reduce((n, s) => n + s.records, 0),
      sources,
    };
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
