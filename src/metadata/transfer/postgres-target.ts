import { PostgresMetadataStore } from '../postgres/store.js';
import type { PostgresDatabase, PostgresOptions, Sql } from '../postgres/database.js';
import { COPIED_TABLES, SEEDED_TABLES } from './catalogue.js';

/** A column of a destination table that takes values (generated columns compute theirs). */
export interface TargetColumn {
  name: string;
  /** PostgreSQL's type name (int8, int4, bool, bytea, text). */
  type: string;
  identity: boolean;
}

/** What an earlier run recorded: the source it copies, the tables done, whether it finished. */
export interface MigrationState {
  source: string;
  tables: Map<string, number>;
  blobsDone: boolean;
}

// The migration's own bookkeeping, beside Berth's tables; Berth never reads it.
const STATE_TABLE = 'berth_migrate_state';

/**
 * The PostgreSQL side of `berth migrate`: the schema (migrated as `berth serve` would), the
 * migration's progress, and whether the database already holds another deployment's data.
 */
export class PostgresTarget {
  private constructor(
    private readonly store: PostgresMetadataStore,
    readonly database: PostgresDatabase,
  ) {}

  static async open(options: PostgresOptions): Promise<PostgresTarget> {
    const store = await PostgresMetadataStore.open(options);
    return new PostgresTarget(store, store.database);
  }

  async migrationIds(): Promise<string[]> {
    return (await this.database.rows<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id')).map((r) => r.id);
  }

  async columns(table: string): Promise<TargetColumn[]> {
    const rows = await this.database.rows<{ name: string; type: string; identity: string }>(
      `SELECT column_name AS name, udt_name AS type, is_identity AS identity FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
      [table],
    );
    return rows.map((r) => ({ name: r.name, type: r.type, identity: r.identity === 'YES' }));
  }

  async state(): Promise<MigrationState | undefined> {
    // Read without creating anything: a database the migration then refuses stays as it was.
    if (!(await this.database.row<{ t: string | null }>('SELECT to_regclass($1) AS t', [STATE_TABLE]))?.t) return undefined;
    const rows = await this.database.rows<{ key: string; value: string }>(`SELECT key, value FROM ${STATE_TABLE}`);
    const source = rows.find((r) => r.key === 'source')?.value;
    if (source === undefined) return undefined;
    const tables = new Map(rows.filter((r) => r.key.startsWith('table:')).map((r) => [r.key.slice('table:'.length), Number(r.value)]));
    return { source, tables, blobsDone: rows.some((r) => r.key === 'blobs' && r.value === 'done') };
  }

  /** Tables of Berth's that hold rows (beyond the singletons migrations insert): another deployment's data. */
  async occupiedTables(): Promise<string[]> {
    const occupied: string[] = [];
    for (const table of COPIED_TABLES) {
      if (SEEDED_TABLES.has(table)) continue;
      if (await this.database.row(`SELECT 1 FROM "${table}" LIMIT 1`)) occupied.push(table);
    }
    return occupied;
  }

  async begin(source: string): Promise<void> {
    await this.database.run(`CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    await this.database.run(`INSERT INTO ${STATE_TABLE} (key, value) VALUES ('source', $1)`, [source]);
  }

  /** Records, inside the transaction that copied it, that `table` is done (with its row count). */
  async tableDone(tx: Sql, table: string, rows: number): Promise<void> {
    await tx.run(`INSERT INTO ${STATE_TABLE} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [`table:${table}`, String(rows)]);
  }

  /** Empties every copied table (children first) and forgets which were done, to copy them all again. */
  async forgetTables(): Promise<void> {
    await this.database.transaction(async (tx) => {
      for (const table of [...COPIED_TABLES].reverse()) await tx.run(`DELETE FROM "${table}"`);
      await tx.run(`DELETE FROM ${STATE_TABLE} WHERE key LIKE 'table:%' OR key = 'blobs'`);
    });
  }

  async blobsDone(): Promise<void> {
    await this.database.run(`INSERT INTO ${STATE_TABLE} (key, value) VALUES ('blobs', 'done') ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}
