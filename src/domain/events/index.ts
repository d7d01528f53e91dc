import type { z } from 'zod';
import { describeIssues } from '../../util/parse-issues.js';
import { gcEvents } from './gc.js';
import { lifecycleEvents } from './lifecycle.js';
import { registryEvents } from './registry.js';
import { scanningEvents } from './scanning.js';

/**
 * The outbox's events, as one typed union. Producers (services, in the same transaction as the
 * change) build them with `outboxEvent`; the dispatcher parses every stored event against its
 * type's schema and hands subscribers typed events, so no consumer reads a payload with `typeof`
 * or `as`. A module with events of its own adds a file here and spreads its map in below.
 */
const definitions = { ...registryEvents, ...lifecycleEvents, ...scanningEvents, ...gcEvents };

export type EventType = keyof typeof definitions;

/** One event: its type, when it happened, the account it concerns (always set for account events) and its payload. */
export type BerthEvent = { [T in EventType]: { type: T; occurredAt: Date } & z.infer<(typeof definitions)[T]> }[EventType];

export type EventOf<T extends EventType> = Extract<BerthEvent, { type: T }>;

export type PayloadOf<T extends EventType> = EventOf<T>['payload'];

/** An event as delivered to a subscriber: with its position in the outbox. */
export type DeliveredEvent<E extends BerthEvent = BerthEvent> = E & { id: number };

/** An event as the store gives it back, not yet checked. */
export interface StoredEventRecord {
  id: number;
  type: string;
  accountId?: string;
  occurredAt: Date;
  payload: unknown;
}

export type EventParse = { ok: true; event: DeliveredEvent } | { ok: false; error: string };

function isEventType(type: string): type is EventType {
  return Object.hasOwn(definitions, type);
}

/** Builds an event of one type (typed by it): `outboxEvent('image.pushed', { accountId, occurredAt, payload })`. */
export function outboxEvent<T extends EventType>(type: T, event: Omit<EventOf<T>, 'type'>): EventOf<T> {
  return { type, ...event } as EventOf<T>;
}

/** Checks a stored event against its type's schema; the error names the fields that are wrong. */
export function parseEvent(stored: StoredEventRecord): EventParse {
  if (!isEventType(stored.type)) return { ok: false, error: `unknown event type ${stored.type}` };
  const result = definitions[stored.type].safeParse({ accountId: stored.accountId, payload: stored.payload });
  if (!result.success) return { ok: false, error: describeIssues(result.error) };
  const event = { id: stored.id, type: stored.type, occurredAt: stored.occurredAt, ...result.data };
  return { ok: true, event: event as DeliveredEvent };
}

export { GcEvent } from './gc.js';
