import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import type { Logger } from '../../util/logger.js';
import type { PostgresMigration } from '../migration.js';
import { decodeRows, encodeParams, encodeText } from './nul-text.js';

export interface PostgresOptions {
  /** postgres://user:password@host:port/database (TLS settings in it are ignored when `ssl` is given). */
  url: string;
  /** Connections this process keeps at most. */
  poolSize?: number;
  /** The server cancels any statement running longer (0: no limit). */
  statementTimeoutMs?: number;
  /** How long to wait for a connection (a new one, or a free one from a full pool). */
  connectTimeoutMs?: number;
  /** TLS to the server: certificate checks and the CA, client certificate and key as PEM text. */
  ssl?: Pick<ConnectionOptions, 'rejectUnauthorized' | 'ca' | 'cert' | 'key'>;
  /** Where pool errors go (a connection the server dropped while idle); dropped when absent. */
  log?: Logger;
}

/**
 * SQL text, or a named statement: the server parses and plans it once per connection and reuses
 * the plan. For hot queries (the pull path's lookup plans a four-table join every time otherwise);
 * only with explicit column lists, since a plan cached across a migration that changes a `*`
 * result fails.
 */
export type Statement = string | { name: string; text: string };

/** The queries a store runs: on the pool (each statement on its own) or inside a transaction. */
export interface Sql {
  /** All rows of the result. */
  rows<R>(statement: Statement, params?: readonly unknown[]): Promise<R[]>;
  /** The first row, or undefined. */
  row<R>(statement: Statement, params?: readonly unknown[]): Promise<R | undefined>;
  /** Runs a statement; returns the number of rows it affected. */
  run(statement: Statement, params?: readonly unknown[]): Promise<number>;
}

export type Isolation = 'read committed' | 'repeatable read' | 'serializable';

export interface TransactionOptions {
  /**
   * READ COMMITTED by default: stores take the row locks they need (FOR UPDATE, FOR KEY SHARE,
   * SKIP LOCKED) where SQLite relied on its single writer. SERIALIZABLE where a check reads rows
   * another transaction may insert.
   */
  isolation?: Isolation;
  /** Attempts in all when the server aborts the transaction as a serialization failure or deadlock. */
  maxAttempts?: number;
}

/**
 * Advisory lock keys: pg_advisory_lock(LOCK_SPACE, key) takes a (namespace, key) pair, so Berth's
 * locks never collide with other users of the same database.
 */
export const LOCK_SPACE = 0x62657274; // 'bert'
export const LOCKS = {
  /** Held by the node applying migrations (session lock). */
  migrations: 1,
  /** Held from writing outbox events until commit, so event ids commit in order (event-store.ts). */
  events: 2,
  /** The same for audit records, so a reader paging by id misses none (audit-store.ts). */
  audit: 3,
} as const;

// SQLSTATEs after which a transaction may simply run again.
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

// int8 (BIGINT, BIGSERIAL, COUNT(*)) as a JS number: ids and millisecond times stay far below 2^53.
const INT8 = 20;
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

function sqlOf(target: pg.Pool | pg.PoolClient): Sql {
  // Every string in and out passes through the U+0000 codec (nul-text.ts).
  const query = (statement: Statement, params?: readonly unknown[]) => {
    const values = encodeParams(params);
    return target.query(typeof statement === 'string' ? { text: statement, values } : { ...statement, values });
  };
  return {
    rows: async <R>(statement: Statement, params?: readonly unknown[]) => decoded<R>(await query(statement, params)),
    row: async <R>(statement: Statement, params?: readonly unknown[]) => decoded<R>(await query(statement, params))[0],
    run: async (statement: Statement, params?: readonly unknown[]) => (await query(statement, params)).rowCount ?? 0,
  };
}

const decoded = <R>(result: pg.QueryResult): R[] => decodeRows(result.rows as R[], result.fields);

/** The SQLSTATE of a server error, or undefined. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * A pool of connections to one PostgreSQL database with what every store needs: query helpers,
 * transactions that run again on serialization failures and deadlocks, and migrations applied
 * under an advisory lock. Times are stored as BIGINT milliseconds since the epoch (as on SQLite)
 * and int8 values come back as numbers.
 */
export class PostgresDatabase implements Sql {
  readonly pool: pg.Pool;
  readonly rows: Sql['rows'];
  readonly row: Sql['row'];
  readonly run: Sql['run'];

  constructor(options: PostgresOptions) {
    this.pool = new pg.Pool({
      connectionString: options.ssl ? withoutTlsParameters(options.url) : options.url,
      max: options.poolSize ?? 10,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      // A node that stalls inside a transaction (a frozen process, a lost network) must not keep
      // its locks — the outbox's among them — for ever: the server ends such a session.
      idle_in_transaction_session_timeout: 60_000,
      application_name: 'berth',
      types: TYPES,
      ...(options.ssl && { ssl: options.ssl }),
    });
    // An idle connection the server ended emits here; the pool replaces it on the next query.
    this.pool.on('error', (err) => options.log?.warn({ err }, 'postgresql connection lost'));
    ({ rows: this.rows, row: this.row, run: this.run } = sqlOf(this.pool));
  }

  /**
   * Runs `fn` in one transaction on one connection and commits, or rolls back when it throws.
   * A serialization failure or deadlock runs `fn` again from the start (so it must only touch the
   * database through `tx`), with a short random back-off.
   */
  async transaction<T>(fn: (tx: Sql) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    // A connection that could not roll back is closed rather than handed to the next caller.
    return runTransaction(fn, options, () => this.pool.connect(), (client, broken) => client.release(broken ?? false));
  }

  /**
   * Runs `fn` on one connection of its own while that connection holds a session advisory lock
   * named `name`: callers with the same name, on any node, take turns. Everything `fn` does goes
   * through the session it is given, so it needs no second connection from the pool.
   */
  async exclusive<T>(name: string, fn: (session: Session) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      // The wait lasts as long as the holder's work, past any statement timeout; fn's own
      // statements have the pool's timeout again.
      const { statement_timeout: timeout } = (await client.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!;
      await client.query('SET statement_timeout = 0');
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_SPACE, encodeText(name)]);
      await client.query(`SELECT set_config('statement_timeout', $1, false)`, [timeout]);
      // A transaction that cannot even roll back has broken the session; its next query fails.
      return await fn({ ...sqlOf(client), transaction: (txFn, options = {}) => runTransaction(txFn, options, async () => client, () => undefined) });
    } finally {
      // Closing the connection ends its session, and the lock with it.
      client.release(true);
    }
  }

  /**
   * Applies the migrations not yet applied, in list order, each in its own transaction, and
   * returns their ids. Nodes starting at once queue on a session advisory lock, so one applies
   * them and the others find them applied.
   */
  async migrate(migrations: readonly PostgresMigration[]): Promise<string[]> {
    const client = await this.pool.connect();
    try {
      // A migration over a large table may take longer than any statement should in normal work.
      await client.query('SET statement_timeout = 0');
      await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_SPACE, LOCKS.migrations]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)');
      const applied = new Set((await client.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
      const ran: string[] = [];
      for (const migration of migrations) {
        if (applied.has(migration.id)) continue;
        try {
          await client.query('BEGIN');
          await client.query(migration.postgres);
          await client.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)', [migration.id, Date.now()]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${migration.id} failed: ${(err as Error).message}`, { cause: err });
        }
        ran.push(migration.id);
      }
      return ran;
    } finally {
      // Closing the connection ends its session: the advisory lock and the timeout go with it.
      client.release(true);
    }
  }

  /** Ends every connection of the pool. */
  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}

/** One connection's queries and transactions (PostgresDatabase.exclusive). */
export interface Session extends Sql {
  transaction<T>(fn: (tx: Sql) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

/**
 * Runs `fn` in one transaction on a connection from `acquire` and commits, or rolls back when it
 * throws; a serialization failure or deadlock runs `fn` again from the start (so it must only touch
 * the database through `tx`), with a short random back-off. `release` gets the error of a rollback
 * that failed (the connection is then not fit for reuse).
 */
async function runTransaction<T>(
  fn: (tx: Sql) => Promise<T>,
  options: TransactionOptions,
  acquire: () => Promise<pg.PoolClient>,
  release: (client: pg.PoolClient, broken: Error | undefined) => void,
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 10;
  const begin = options.isolation && options.isolation !== 'read committed' ? `BEGIN ISOLATION LEVEL ${options.isolation.toUpperCase()}` : 'BEGIN';
  for (let attempt = 1; ; attempt++) {
    const client = await acquire();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await fn(sqlOf(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackFailed: Error) => (broken = rollbackFailed));
      if (attempt >= maxAttempts || !RETRYABLE.has(sqlState(err) ?? '')) throw err;
    } finally {
      release(client, broken);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
  }
}

/** The URL without the TLS parameters libpq and pg read from it (the `ssl` option says it all). */
function withoutTlsParameters(url: string): string {
  const parsed = new URL(url);
  for (const name of ['ssl', 'sslmode', 'sslcert', 'sslkey', 'sslrootcert', 'uselibpqcompat']) parsed.searchParams.delete(name);
  return parsed.toString();
}
