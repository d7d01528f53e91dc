import type { Sql } from './database.js';

/** A column of a multi-row INSERT: its name, PostgreSQL type, and value in each row. */
export interface Column<R> {
  name: string;
  type: string;
  value: (row: R, index: number) => unknown;
}

/**
 * Inserts `rows` in one statement, whatever their number: one array parameter per column,
 * unnested server-side into rows in the given order (so identity ids are drawn in that order).
 * `suffix` follows the SELECT (ON CONFLICT …, RETURNING …). Returns the rows inserted.
 */
export async function insertMany<R>(sql: Sql, table: string, columns: readonly Column<R>[], rows: readonly R[], suffix = ''): Promise<number> {
  if (rows.length === 0) return 0;
  const names = columns.map((c) => c.name).join(', ');
  return sql.run(
    `INSERT INTO ${table} (${names})
     SELECT ${names} FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')}) WITH ORDINALITY AS r(${names}, ordinality)
     ORDER BY ordinality ${suffix}`,
    columns.map((c) => rows.map((row, index) => c.value(row, index))),
  );
}
