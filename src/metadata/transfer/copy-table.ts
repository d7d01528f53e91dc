import type { Sql } from '../postgres/database.js';
import type { PostgresTarget, TargetColumn } from './postgres-target.js';
import type { SqliteSource, SourceRow } from './sqlite-source.js';

/** The SQLite and PostgreSQL tables do not have the same columns (Berth versions out of step). */
export class SchemaMismatchError extends Error {}

// Rows per INSERT: bounded by count and by bytes (manifests and vulnerability records can be large).
const BATCH_ROWS = 1000;
const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Copies one table from SQLite to PostgreSQL in one transaction that also records it done: the
 * destination table is emptied first (it holds nothing, or the singleton its migration inserted,
 * or — never committed — part of an interrupted run), so a table is copied whole or not at all and
 * copying it again is harmless. Identity sequences continue after the highest id SQLite handed
 * out, deleted rows' included, so ids (event ids behind subscriber cursors) are never reused.
 * Returns the number of rows.
 */
export async function copyTable(source: SqliteSource, target: PostgresTarget, table: string, onRows: (rows: number) => void): Promise<number> {
  const columns = await matchingColumns(source, target, table);
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const insert = `INSERT INTO "${table}" (${names}) OVERRIDING SYSTEM VALUE
    SELECT ${names} FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')}) AS r(${names})`;
  return target.database.transaction(async (tx) => {
    await tx.run(`DELETE FROM "${table}"`);
    let copied = 0;
    let batch: SourceRow[] = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await tx.run(insert, columns.map((c) => batch.map((row) => convert(table, c, row[c.name]))));
      copied += batch.length;
      batch = [];
      bytes = 0;
      onRows(copied);
    };
    for (const row of source.rows(table)) {
      batch.push(row);
      bytes += approximateSize(row);
      if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) await flush();
    }
    await flush();
    for (const column of columns.filter((c) => c.identity)) await continueSequence(tx, table, column.name, source.sequence(table));
    await target.tableDone(tx, table, copied);
    return copied;
  });
}

/** The destination's columns, in its order, after checking both sides have the same ones. */
async function matchingColumns(source: SqliteSource, target: PostgresTarget, table: string): Promise<TargetColumn[]> {
  const sourceColumns = source.columns(table);
  const targetColumns = await target.columns(table);
  const missing = sourceColumns.filter((name) => !targetColumns.some((c) => c.name === name));
  const extra = targetColumns.filter((c) => !sourceColumns.includes(c.name)).map((c) => c.name);
  if (targetColumns.length === 0 || missing.length > 0 || extra.length > 0) {
    throw new SchemaMismatchError(
      `table ${table}: the PostgreSQL schema does not match SQLite's (${targetColumns.length === 0 ? 'no such table' : [missing.length && `missing ${missing.join(', ')}`, extra.length && `unexpected ${extra.join(', ')}`].filter(Boolean).join('; ')}); run both with the same Berth version`,
    );
  }
  return targetColumns;
}

/**
 * A SQLite value as the PostgreSQL column takes it: 0/1 as booleans, text as bytes (a finding's
 * key holds NUL characters, so PostgreSQL keeps it as BYTEA), and the vulnerability database's
 * ISO-8601 times as the milliseconds PostgreSQL stores.
 */
function convert(table: string, column: TargetColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'bool':
      return value !== 0 && value !== 0n;
    case 'bytea':
      return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    case 'int2':
    case 'int4':
    case 'int8': {
      if (typeof value !== 'string') return value;
      const ms = Date.parse(value);
      if (Number.isNaN(ms)) throw new SchemaMismatchError(`table ${table}, column ${column.name}: "${value}" is neither a number nor a time`);
      return ms;
    }
    default:
      return Buffer.isBuffer(value) ? value.toString('utf8') : value;
  }
}

async function continueSequence(tx: Sql, table: string, column: string, handedOut: number): Promise<void> {
  const { max } = (await tx.row<{ max: number | null }>(`SELECT max("${column}") AS max FROM "${table}"`))!;
  const last = Math.max(max ?? 0, handedOut);
  if (last > 0) await tx.run(`SELECT setval(pg_get_serial_sequence($1, $2), $3)`, [table, column, last]);
}

function approximateSize(row: SourceRow): number {
  let size = 0;
  for (const value of Object.values(row)) size += typeof value === 'string' || Buffer.isBuffer(value) ? value.length : 8;
  return size;
}
