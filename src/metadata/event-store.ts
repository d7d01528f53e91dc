import type { BerthEvent } from '../domain/events/index.js';

/** A domain event written in the same transaction as the change it describes (outbox pattern): one of the typed union. */
export type OutboxEvent = BerthEvent;

/**
 * An event as stored, read back unchecked: the dispatcher parses it (src/domain/events) before a
 * subscriber sees it; audit reads list it as it is.
 */
export interface StoredEvent {
  id: number;
  type: string;
  accountId?: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/**
 * The outbox. Each subscriber keeps a cursor (the last event id it finished) and holds a lease
 * while delivering, so two nodes never deliver the same subscriber's events at once and a crashed
 * node's subscriber resumes after its lease runs out.
 */
export interface EventStore {
  append(events: readonly OutboxEvent[]): Promise<void>;
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
