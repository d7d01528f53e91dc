/** Compares every table `berth migrate` copies, row for row, between the SQLite source and PostgreSQL. */
import Database from 'better-sqlite3';
import pg from 'pg';
import { expect } from 'vitest';
import { COPIED_TABLES } from '../../../src/metadata/transfer/catalogue.js';

/** Fails unless every copied table holds the same rows on both sides; returns the rows compared per table. */
export async function expectTablesIdentical(sqliteFile: string, postgresUrl: string): Promise<Record<string, number>> {
  const sqlite = new Database(sqliteFile, { readonly: true });
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  const counts: Record<string, number> = {};
  try {
    for (const table of COPIED_TABLES) {
      const columns = (sqlite.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]).map((c) => c.name);
      const list = columns.map((c) => `"${c}"`).join(', ');
      const source = normalized(sqlite.prepare(`SELECT ${list} FROM "${table}"`).raw().all() as unknown[][]);
      const destination = normalized((await client.query({ text: `SELECT ${list} FROM "${table}"`, rowMode: 'array' })).rows as unknown[][]);
      expect(destination, table).toEqual(source);
      counts[table] = source.length;
    }
  } finally {
    sqlite.close();
    await client.end();
  }
  return counts;
}

/**
 * Rows as comparable text, sorted: booleans as 0/1, bytes as UTF-8, the ISO times SQLite keeps in
 * the vulnerability database as the milliseconds PostgreSQL keeps, numbers (int8 is text in pg) as text.
 */
function normalized(rows: unknown[][]): string[] {
  const value = (v: unknown): string | null => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'boolean') return v ? '1' : '0';
    if (Buffer.isBuffer(v)) return v.toString('utf8');
    if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v)) return String(Date.parse(v));
    return String(v);
  };
  return rows.map((row) => JSON.stringify(row.map(value))).sort();
}
