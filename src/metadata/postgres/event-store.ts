import type { EventStore, OutboxEvent, StoredEvent } from '../event-store.js';
import { type EventRow, toEvent } from '../rows.js';
import { LOCKS, LOCK_SPACE, type PostgresDatabase, type Sql } from './database.js';

const EVENT_COLUMNS = 'id, type, account_id, occurred_at, payload';

/**
 * Inserts outbox rows inside the caller's transaction; call it as the transaction's last statement.
 *
 * Subscribers read events by id after their cursor, so an id must never become visible after a
 * higher one: with many writers, a transaction that drew id 7 could otherwise commit after one
 * that drew id 8, and a dispatcher that had read 8 would never see 7. So event writers take one
 * transaction-scoped advisory lock before drawing ids and hold it until they commit: ids commit
 * in order. What that costs: event-writing commits queue one after another (the lock is held only
 * for this insert and the commit), which is far above a registry's push rate.
 */
export async function insertEvents(tx: Sql, events: readonly OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.run('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, LOCKS.events]);
  await tx.run(
    `INSERT INTO events (type, account_id, occurred_at, payload)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[])`,
    [
      events.map((e) => e.type),
      events.map((e) => e.accountId ?? null),
      events.map((e) => e.occurredAt.getTime()),
      events.map((e) => JSON.stringify(e.payload)),
    ],
  );
}

export class PostgresEventStore implements EventStore {
  constructor(private readonly database: PostgresDatabase) {}

  async append(events: readonly OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.database.transaction((tx) => insertEvents(tx, events));
  }

  async acquireCursor(
    subscriber: string,
    owner: string,
    leaseMs: number,
    now: Date,
    startAt: 'beginning' | 'end' = 'end',
  ): Promise<boolean> {
    await this.database.run(
      `INSERT INTO event_cursors (subscriber, last_event_id)
       VALUES ($1, CASE WHEN $2 THEN 0 ELSE COALESCE((SELECT MAX(id) FROM events), 0) END)
       ON CONFLICT (subscriber) DO NOTHING`,
      [subscriber, startAt === 'beginning'],
    );
    // One statement: a concurrent taker's update is re-checked against this WHERE, so one wins.
    const taken = await this.database.run(
      `UPDATE event_cursors SET lease_owner = $1, lease_until = $2
       WHERE subscriber = $3 AND (lease_owner IS NULL OR lease_owner = $1 OR lease_until < $4)`,
      [owner, now.getTime() + leaseMs, subscriber, now.getTime()],
    );
    return taken === 1;
  }

  async readAfterCursor(subscriber: string, limit: number): Promise<StoredEvent[]> {
    const rows = await this.database.rows<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE id > (SELECT last_event_id FROM event_cursors WHERE subscriber = $1) ORDER BY id LIMIT $2`,
      [subscriber, limit],
    );
    return rows.map(toEvent);
  }

  async advanceCursor(subscriber: string, owner: string, lastEventId: number): Promise<void> {
    await this.database.run(
      'UPDATE event_cursors SET last_event_id = $1 WHERE subscriber = $2 AND lease_owner = $3 AND last_event_id < $1',
      [lastEventId, subscriber, owner],
    );
  }

  async releaseCursor(subscriber: string, owner: string): Promise<void> {
    await this.database.run(
      'UPDATE event_cursors SET lease_owner = NULL, lease_until = NULL WHERE subscriber = $1 AND lease_owner = $2',
      [subscriber, owner],
    );
  }

  async list(options: { type?: string; accountId?: string; beforeId?: number; limit: number }): Promise<StoredEvent[]> {
    const rows = await this.database.rows<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR account_id = $2) AND ($3::bigint IS NULL OR id < $3)
       ORDER BY id DESC LIMIT $4`,
      [options.type ?? null, options.accountId ?? null, options.beforeId ?? null, options.limit],
    );
    return rows.map(toEvent);
  }
}
