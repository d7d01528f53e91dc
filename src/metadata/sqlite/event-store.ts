import type { EventStore, OutboxEvent, StoredEvent } from '../event-store.js';
import { type EventRow, toEvent } from '../rows.js';
import type { SqliteDatabase } from './database.js';

/** Inserts outbox rows; callers run it inside their own write transaction. */
export function insertEvents(database: SqliteDatabase, events: readonly OutboxEvent[]): void {
  if (events.length === 0) return;
  const insert = database.stmt('INSERT INTO events (type, account_id, occurred_at, payload) VALUES (?, ?, ?, ?)');
  for (const event of events) {
    insert.run(event.type, event.accountId ?? null, event.occurredAt.getTime(), JSON.stringify(event.payload));
  }
}

export class SqliteEventStore implements EventStore {
  constructor(private readonly database: SqliteDatabase) {}

  async append(events: readonly OutboxEvent[]): Promise<void> {
    this.database.write(() => insertEvents(this.database, events));
  }

  async acquireCursor(
    subscriber: string,
    owner: string,
    leaseMs: number,
    now: Date,
    startAt: 'beginning' | 'end' = 'end',
  ): Promise<boolean> {
    const until = now.getTime() + leaseMs;
    return this.database.write(() => {
      this.database
        .stmt(
          `INSERT INTO event_cursors (subscriber, last_event_id)
           VALUES (?, CASE WHEN ? THEN 0 ELSE COALESCE((SELECT MAX(id) FROM events), 0) END)
           ON CONFLICT(subscriber) DO NOTHING`,
        )
        .run(subscriber, startAt === 'beginning' ? 1 : 0);
      const result = this.database
        .stmt(
          `UPDATE event_cursors SET lease_owner = ?, lease_until = ?
           WHERE subscriber = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)`,
        )
        .run(owner, until, subscriber, owner, now.getTime());
      return result.changes === 1;
    });
  }

  async readAfterCursor(subscriber: string, limit: number): Promise<StoredEvent[]> {
    const rows = this.database
      .stmt(
        `SELECT e.id, e.type, e.account_id, e.occurred_at, e.payload FROM events e
         WHERE e.id > (SELECT last_event_id FROM event_cursors WHERE subscriber = ?) ORDER BY e.id LIMIT ?`,
      )
      .all(subscriber, limit) as EventRow[];
    return rows.map(toEvent);
  }

  async advanceCursor(subscriber: string, owner: string, lastEventId: number): Promise<void> {
    this.database
      .stmt('UPDATE event_cursors SET last_event_id = ? WHERE subscriber = ? AND lease_owner = ? AND last_event_id < ?')
      .run(lastEventId, subscriber, owner, lastEventId);
  }

  async releaseCursor(subscriber: string, owner: string): Promise<void> {
    this.database
      .stmt('UPDATE event_cursors SET lease_owner = NULL, lease_until = NULL WHERE subscriber = ? AND lease_owner = ?')
      .run(subscriber, owner);
  }

  async list(options: { type?: string; accountId?: string; beforeId?: number; limit: number }): Promise<StoredEvent[]> {
    const rows = this.database
      .stmt(
        `SELECT id, type, account_id, occurred_at, payload FROM events
         WHERE (@type IS NULL OR type = @type) AND (@account IS NULL OR account_id = @account)
           AND (@before IS NULL OR id < @before)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({
        type: options.type ?? null,
        account: options.accountId ?? null,
        before: options.beforeId ?? null,
        limit: options.limit,
      }) as EventRow[];
    return rows.map(toEvent);
  }
}
