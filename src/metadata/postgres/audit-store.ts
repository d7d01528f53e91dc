import { AUDIT_COLUMNS, type AuditRow, auditValues, toAuditEntry } from '../audit-rows.js';
import type { AuditEntry, AuditStore, StoredAuditEntry } from '../audit-store.js';
import type { PostgresMigration } from '../migration.js';
import { LOCKS, LOCK_SPACE, type PostgresDatabase } from './database.js';
import { type Column, insertMany } from './insert-many.js';

export const auditPostgresMigrations: PostgresMigration[] = [
  {
    id: 'audit/001-log',
    postgres: `
      CREATE TABLE audit_log (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at BIGINT NOT NULL,
        account_id TEXT COLLATE "C",
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        resource TEXT,
        outcome TEXT NOT NULL,
        source_ip TEXT,
        request_id TEXT,
        event_id BIGINT UNIQUE,
        detail TEXT
      );
      CREATE INDEX audit_log_by_account ON audit_log(account_id, id);
    `,
  },
];

// AUDIT_COLUMNS with their types; each row is an entry's auditValues.
const TYPES = ['bigint', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'text'];
const COLUMNS: Column<unknown[]>[] = AUDIT_COLUMNS.split(', ').map((name, i) => ({ name, type: TYPES[i]!, value: (values) => values[i] }));

/**
 * The audit log on PostgreSQL: a batch is one INSERT; listings page by id, newest first.
 *
 * A reader pages down from the newest id it saw (`id < cursor`), so an id must never become visible
 * after a higher one: with writers on several nodes, a batch that drew ids 7–9 could otherwise
 * commit after one that drew 10, and a reader that had started from 10 would skip 7–9 for good.
 * As for outbox events (event-store.ts), writers take one transaction-scoped advisory lock before
 * drawing ids and hold it until they commit, so ids commit in order. The cost: audit batches from
 * all nodes commit one after another (the lock covers the insert and the commit only).
 */
export class PostgresAuditStore implements AuditStore {
  constructor(private readonly database: PostgresDatabase) {}

  async append(entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // Rows go in event-id order, so batches recording the same events take the unique index's locks
    // in the same order (two such batches deadlocked otherwise; the advisory lock below now also
    // keeps them apart).
    const ordered = [...entries].sort((a, b) => (a.eventId ?? Infinity) - (b.eventId ?? Infinity));
    await this.database.transaction(async (tx) => {
      await tx.run('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, LOCKS.audit]);
      // An entry derived from an outbox event may be delivered twice; the unique event id keeps one.
      await insertMany(tx, 'audit_log', COLUMNS, ordered.map(auditValues), 'ON CONFLICT (event_id) DO NOTHING');
    });
  }

  async list(options: Parameters<AuditStore['list']>[0]): Promise<StoredAuditEntry[]> {
    const rows = await this.database.rows<AuditRow>(
      `SELECT id, ${AUDIT_COLUMNS} FROM audit_log
       WHERE ($1::text IS NULL OR account_id = $1) AND ($2::text IS NULL OR action = $2)
         AND ($3::bigint IS NULL OR at >= $3) AND ($4::bigint IS NULL OR id < $4)
       ORDER BY id DESC LIMIT $5`,
      [options.accountId ?? null, options.action ?? null, options.since?.getTime() ?? null, options.beforeId ?? null, options.limit],
    );
    return rows.map(toAuditEntry);
  }
}
