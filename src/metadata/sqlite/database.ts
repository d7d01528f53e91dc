import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Migration } from '../migration.js';

type Statement = Database.Statement<unknown[], unknown>;

/**
 * One better-sqlite3 connection with the pragmas Berth relies on and a prepared-statement cache.
 * SQLite is synchronous in-process; store methods wrap results in promises only because the
 * MetadataStore interface is async, so that a second implementation need not be synchronous.
 */
export class SqliteDatabase {
  readonly db: Database.Database;
  private readonly statements = new Map<string, Statement>();

  /**
   * Opens `file` with Berth's pragmas. A file this process may not write (another user's, a
   * read-only file system) fails here with a message naming the file, not SQLite's bare
   * "attempt to write a readonly database".
   */
  static open(file: string): SqliteDatabase {
    try {
      return new SqliteDatabase(file);
    } catch (err) {
      throw explainOpenFailure(file, err);
    }
  }

  constructor(file: string) {
    this.db = new Database(file);
    try {
      this.db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode survives process crashes (kill -9); only an OS crash may lose the last commits.
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('busy_timeout = 10000');
      this.db.pragma('cache_size = -65536');
      this.db.pragma('temp_store = MEMORY');
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Changes when anything is written: rows changed by this connection (total_changes) and commits
   * by any other connection or process (data_version), in one cheap statement.
   */
  version(): string {
    const [ownChanges, otherCommits] = this.stmt('SELECT total_changes(), data_version FROM pragma_data_version')
      .raw()
      .get() as [number, number];
    return `${ownChanges}/${otherCommits}`;
  }

  /** Runs `fn` in a write transaction (BEGIN IMMEDIATE, so concurrent writers queue instead of deadlocking). */
  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  migrate(migrations: readonly Migration[]): string[] {
    this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`);
    const applied = new Set(
      (this.db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id),
    );
    const ran: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.id)) continue;
      this.write(() => {
        this.db.exec(migration.sqlite);
        this.db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)').run(migration.id, Date.now());
      });
      ran.push(migration.id);
    }
    return ran;
  }

  close(): void {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }
}

/**
 * SQLite's permission failures (SQLITE_READONLY*, SQLITE_CANTOPEN*, SQLITE_PERM) say neither which
 * file nor why; this names both. Other errors are returned as they are.
 */
export function explainOpenFailure(file: string, err: unknown): unknown {
  const code = err instanceof Database.SqliteError ? err.code : '';
  if (!/^SQLITE_(READONLY|CANTOPEN|PERM)/.test(code)) return err;
  const user = process.getuid ? ` (this process runs as uid ${process.getuid()})` : '';
  return new Error(
    `metadata database ${resolve(file)}: ${(err as Error).message} (${code}); Berth must be able to write it, its -wal and -shm files and its directory${user}: run Berth as their owner or fix their permissions, and check the file system is not read-only`,
    { cause: err },
  );
}
