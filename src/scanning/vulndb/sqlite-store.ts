import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { normalizePackageName } from '../osv/names.js';
import type { OsvRecord } from '../osv/types.js';
import {
  packageKeyString,
  type ImportOptions,
  type ImportOutcome,
  type PackageKey,
  type SourceDescriptor,
  type SourceStatus,
  type VulnDbStatus,
  type VulnDbStore,
} from './store.js';

const BATCH = 500;

interface AdvisoryRow {
  source: string;
  id: string;
  record: string;
}

/**
 * VulnDbStore on better-sqlite3. Takes an open handle whose schema has `vulnDbMigrations` applied
 * (the registry's metadata database or a file of its own). Imports write in batches of short
 * transactions so a shared handle is never held for the whole import; removals and the version
 * bump happen in one final transaction.
 */
export class SqliteVulnDbStore implements VulnDbStore {
  constructor(private readonly db: Database.Database) {}

  async advisoriesFor(keys: readonly PackageKey[]): Promise<Map<string, OsvRecord[]>> {
    const exact = this.db.prepare<[string, string], AdvisoryRow>(
      `SELECT a.source, a.id, a.record FROM vulndb_affected f
       JOIN vulndb_advisories a ON a.source = f.source AND a.id = f.advisory_id
       WHERE f.name = ? AND f.ecosystem = ?`,
    );
    const prefix = this.db.prepare<[string, string, string], AdvisoryRow>(
      `SELECT a.source, a.id, a.record FROM vulndb_affected f
       JOIN vulndb_advisories a ON a.source = f.source AND a.id = f.advisory_id
       WHERE f.name = ? AND f.ecosystem >= ? AND f.ecosystem < ?`,
    );
    const parsed = new Map<string, OsvRecord>();
    const out = new Map<string, OsvRecord[]>();
    for (const key of keys) {
      const name = normalizePackageName(key.ecosystem, key.name);
      const rows = key.ecosystemPrefix ? prefix.all(name, key.ecosystem, `${key.ecosystem}\uffff`) : exact.all(name, key.ecosystem);
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
      this.db
        .prepare<[string], { id: string; digest: string }>('SELECT id, digest FROM vulndb_advisories WHERE source = ?')
        .all(source.name)
        .map((r) => [r.id, r.digest]),
    );
    const seen = new Set<string>();
    const counts = { added: 0, updated: 0, unchanged: 0, removed: 0 };
    const upsert = this.db.prepare(
      `INSERT INTO vulndb_advisories (source, id, modified, digest, record) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (source, id) DO UPDATE SET modified = excluded.modified, digest = excluded.digest, record = excluded.record`,
    );
    const clearAffected = this.db.prepare('DELETE FROM vulndb_affected WHERE source = ? AND advisory_id = ?');
    const addAffected = this.db.prepare(
      'INSERT OR IGNORE INTO vulndb_affected (name, ecosystem, source, advisory_id) VALUES (?, ?, ?, ?)',
    );
    const writeBatch = this.db.transaction((batch: { record: OsvRecord; json: string; digest: string }[]) => {
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
        // IMMEDIATE: on a handle shared with the registry, take the write lock up front.
        writeBatch.immediate(batch);
        batch = [];
      }
    }
    if (batch.length) writeBatch.immediate(batch);

    const finish = this.db.transaction((): ImportOutcome => {
      const remove = typeof options.removeMissing === 'function' ? options.removeMissing() : options.removeMissing;
      if (remove) {
        const del = this.db.prepare('DELETE FROM vulndb_advisories WHERE source = ? AND id = ?');
        for (const id of existing.keys()) {
          if (seen.has(id)) continue;
          del.run(source.name, id);
          clearAffected.run(source.name, id);
          counts.removed++;
        }
      }
      const changed = counts.added + counts.updated + counts.removed > 0;
      if (changed) this.db.prepare('UPDATE vulndb_state SET version = version + 1, updated_at = ? WHERE id = 1').run(now);
      const total = (
        this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM vulndb_advisories WHERE source = ?').get(source.name) ?? { n: 0 }
      ).n;
      this.db
        .prepare(
          `INSERT INTO vulndb_sources (name, format, location, record_count, last_import_at, last_change_at)
           VALUES (@name, @format, @location, @total, @now, CASE WHEN @changed THEN @now END)
           ON CONFLICT (name) DO UPDATE SET format = excluded.format, location = excluded.location,
             record_count = excluded.record_count, last_import_at = excluded.last_import_at,
             last_change_at = CASE WHEN @changed THEN @now ELSE vulndb_sources.last_change_at END`,
        )
        .run({ name: source.name, format: source.format, location: source.location, total, now, changed: changed ? 1 : 0 });
      return { source: source.name, ...counts, records: total, version: this.currentVersion(), changed };
    });
    return finish.immediate();
  }

  async status(): Promise<VulnDbStatus> {
    const state = this.db.prepare<[], { version: number; updated_at: string | null }>('SELECT version, updated_at FROM vulndb_state WHERE id = 1').get();
    const sources = this.db
      .prepare<[], { name: string; format: string; location: string; record_count: number; last_import_at: string; last_change_at: string | null }>(
        'SELECT name, format, location, record_count, last_import_at, last_change_at FROM vulndb_sources ORDER BY name',
      )
      .all()
      .map(
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

  private currentVersion(): number {
    return this.db.prepare<[], { version: number }>('SELECT version FROM vulndb_state WHERE id = 1').get()?.version ?? 0;
  }
}
