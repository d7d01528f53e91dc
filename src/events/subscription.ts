import type { DeliveredEvent, EventOf, EventType } from '../domain/events/index.js';

/**
 * An outbox subscriber: which event types it wants and what it does with them. It receives parsed,
 * typed events (an event that does not parse is logged and skipped by the dispatcher), in order,
 * at least once; a batch whose handler throws is delivered again.
 */
export interface EventSubscription<T extends EventType = EventType> {
  /** Names its cursor in the outbox: renaming a subscriber starts it afresh. */
  readonly name: string;
  /** The types it wants (others advance its cursor without a call); every type when absent. */
  readonly types?: readonly T[];
  readonly batchSize?: number;
  /** Where a subscriber seen for the first time starts: the whole log, or what happens from now on (default). */
  readonly startAt?: 'beginning' | 'end';
  handle(events: readonly DeliveredEvent<EventOf<T>>[]): Promise<void>;
}

/**
 * Declares a subscriber; `types` types the events `handle` receives. The result is typed as a
 * subscriber of any event, so lists of subscribers hold it: the dispatcher hands it only the
 * types it named.
 */
export function defineSubscription<T extends EventType = EventType>(subscription: EventSubscription<T>): EventSubscription {
  return Object.freeze({ ...subscription }) as unknown as EventSubscription;
}
