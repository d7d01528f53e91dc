import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { allSqliteMigrations } from '../sqlite/all-migrations.js';
import { SqliteDatabase } from '../sqlite/database.js';

/** The source's database is open in another process (a running `berth serve`, `berth gc`, …). */
export class SourceInUseError extends Error {}

export type SourceRow = Record<string, unknown>;

/**
 * A SQLite metadata database opened for `berth migrate`, alone: the connection takes SQLite's
 * exclusive lock and keeps it until closed. In WAL mode every open connection holds a shared lock,
 * so the lock is refused while a server (or any other command) has the file open, and once taken,
 * no server can start on the source and change it while it is copied.
 */
export class SqliteSource {
  private constructor(
    readonly file: string,
    private readonly database: SqliteDatabase,
  ) {}

  static open(file: string): SqliteSource {
    if (!existsSync(file)) throw new Error(`source metadata database ${resolve(file)} does not exist: check --data or --config`);
    const database = SqliteDatabase.open(file);
    try {
      database.db.pragma('busy_timeout = 0');
      database.db.pragma('locking_mode = EXCLUSIVE');
      database.db.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (err) {
      database.close();
      if (err instanceof Database.SqliteError && err.code.startsWith('SQLITE_BUSY')) {
        throw new SourceInUseError(
          `source metadata database ${resolve(file)} is in use by another process: stop \`berth serve\` (and any other berth command) on it first`,
          { cause: err },
        );
      }
      throw err;
    }
    // A source written by an older Berth is brought to this version's schema first.
    database.migrate(allSqliteMigrations);
    return new SqliteSource(file, database);
  }

  /** Every table of the schema (sqlite_master), by name. */
  tables(): string[] {
    return (this.database.stmt(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
  }

  columns(table: string): string[] {
    return (this.database.stmt('SELECT name FROM pragma_table_info(?) ORDER BY cid').all(table) as { name: string }[]).map((r) => r.name);
  }

  count(table: string): number {
    return (this.database.db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
  }

  /** The table's rows one at a time (a cursor, never the whole table in memory). */
  rows(table: string): IterableIterator<SourceRow> {
    return this.database.db.prepare(`SELECT * FROM "${table}"`).iterate() as IterableIterator<SourceRow>;
  }

  /** The highest id AUTOINCREMENT has handed out for `table` (ids of deleted rows included), or 0. */
  sequence(table: string): number {
    const row = this.database.stmt('SELECT seq FROM sqlite_sequence WHERE name = ?').get(table) as { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  /** The ids of the schema migrations applied. */
  migrationIds(): string[] {
    return (this.database.stmt('SELECT id FROM schema_migrations ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  }

  /**
   * Names this deployment across runs (and moves of its data directory): when its first
   * migration was applied, to the millisecond.
   */
  identity(): string {
    const row = this.database.stmt('SELECT id, applied_at FROM schema_migrations ORDER BY applied_at, id LIMIT 1').get() as { id: string; applied_at: number };
    return `sqlite:${row.applied_at}:${row.id}`;
  }

  /** The number of blobs metadata lists and their bytes. */
  blobTotals(): { count: number; bytes: number } {
    return this.database.stmt('SELECT count(*) AS count, coalesce(sum(size), 0) AS bytes FROM blobs').get() as { count: number; bytes: number };
  }

  hasBlob(digest: string): boolean {
    return this.database.stmt('SELECT 1 FROM blobs WHERE digest = ?').get(digest) !== undefined;
  }

  /** Every blob metadata lists, in digest order, read a page at a time. */
  *blobs(pageSize = 500): IterableIterator<{ digest: string; size: number }> {
    let after = '';
    for (;;) {
      const page = this.database.stmt('SELECT digest, size FROM blobs WHERE digest > ? ORDER BY digest LIMIT ?').all(after, pageSize) as { digest: string; size: number }[];
      yield* page;
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.digest;
    }
  }

  close(): void {
    this.database.close();
  }
}
