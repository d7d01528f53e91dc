/** A domain event written in the same transaction as the change it describes (outbox pattern). */
export interface OutboxEvent {
  type: string;
  accountId?: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

export interface StoredEvent extends OutboxEvent {
  id: number;
}

/**
 * The outbox. Each subscriber keeps a cursor (the last event id it finished) and holds a lease
 * while delivering, so two nodes never deliver the same subscriber's events at once and a crashed
 * node's subscriber resumes after its lease runs out.
 */
export interface EventStore {
  append(events: OutboxEvent[]): Promise<void>;
  /**
   * Takes or renews the subscriber's lease; false when another owner holds it. A subscriber seen
   * for the first time starts at the beginning of the log or at its current end.
   */
  acquireCursor(subscriber: string, owner: string, leaseMs: number, now: Date, startAt?: 'beginning' | 'end'): Promise<boolean>;
  /** Events after the subscriber's cursor, oldest first. */
  readAfterCursor(subscriber: string, limit: number): Promise<StoredEvent[]>;
  advanceCursor(subscriber: string, owner: string, lastEventId: number): Promise<void>;
  releaseCursor(subscriber: string, owner: string): Promise<void>;
  /** Events in a time window (audit reads), newest first. */
  list(options: { type?: string; accountId?: string; beforeId?: number; limit: number }): Promise<StoredEvent[]>;
}
