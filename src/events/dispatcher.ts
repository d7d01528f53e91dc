import { type DeliveredEvent, parseEvent } from '../domain/events/index.js';
import type { EventStore, StoredEvent } from '../metadata/event-store.js';
import { NODE_ID } from '../jobs/node-id.js';
import { type Clock, systemClock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { EventSubscription } from './subscription.js';

interface Subscription {
  name: string;
  handle(events: readonly DeliveredEvent[]): Promise<void>;
  batchSize: number;
  types?: ReadonlySet<string>;
  startAt: 'beginning' | 'end';
}

const LEASE_MS = 30_000;

/**
 * Delivers outbox events to the subscribers registered with `subscribe` (the audit log and
 * scanning) at least once, in order. Each subscriber's cursor is leased, so across many nodes
 * exactly one delivers a given subscriber's events at a time; a failed batch is retried until it
 * succeeds. Events are parsed against their type's schema (src/domain/events) first: one that
 * does not parse is logged with its id and type, counted, and skipped.
 */
export class EventDispatcher {
  private readonly subscriptions: Subscription[] = [];
  private readonly skipped = new Map<string, number>();
  private readonly now: Clock;
  private readonly pollIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private failures = 0;

  constructor(
    private readonly store: EventStore,
    private readonly log: Logger,
    options: { pollIntervalMs?: number; now?: Clock } = {},
  ) {
    this.now = options.now ?? systemClock;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
  }

  /** Adds a subscriber (see `defineSubscription`). */
  subscribe(subscription: EventSubscription): void {
    if (this.subscriptions.some((s) => s.name === subscription.name)) throw new Error(`event subscriber ${subscription.name} is registered twice`);
    this.subscriptions.push({
      name: subscription.name,
      handle: (events) => subscription.handle(events),
      batchSize: subscription.batchSize ?? 100,
      startAt: subscription.startAt ?? 'end',
      ...(subscription.types && { types: new Set(subscription.types) }),
    });
  }

  /**
   * Creates the cursors of subscribers that start at the end and have none yet, so they see what
   * happens from now on even before delivery starts (call once the app is built).
   */
  async anchor(): Promise<void> {
    for (const s of this.subscriptions.filter((s) => s.startAt === 'end')) {
      await this.store.acquireCursor(s.name, NODE_ID, 1, this.now(), 'end');
      await this.store.releaseCursor(s.name, NODE_ID);
    }
  }

  /** Events a subscriber skipped because they did not parse (since this process started). */
  skippedCount(subscriber: string): number {
    return this.skipped.get(subscriber) ?? 0;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Delivers soon (called after this node committed events, to keep latency low). */
  poke(): void {
    if (!this.stopped) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    for (const s of this.subscriptions) await this.store.releaseCursor(s.name, NODE_ID).catch(() => undefined);
  }

  /** Delivers everything pending to every subscriber once; returns the number of events handled. */
  async drain(): Promise<number> {
    let total = 0;
    for (const subscription of this.subscriptions) total += await this.deliver(subscription);
    return total;
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = (this.running ?? Promise.resolve()).then(async () => {
        let delivered = 0;
        try {
          delivered = await this.drain();
          this.failures = 0;
        } catch (err) {
          this.failures++;
          this.log.error({ err }, 'event delivery failed');
        }
        if (this.stopped) return;
        const backoff = Math.min(30_000, this.pollIntervalMs * 2 ** this.failures);
        this.schedule(delivered > 0 ? 0 : this.failures > 0 ? backoff : this.pollIntervalMs);
      });
    }, delay);
    this.timer.unref();
  }

  private async deliver(subscription: Subscription): Promise<number> {
    const acquired = await this.store.acquireCursor(subscription.name, NODE_ID, LEASE_MS, this.now(), subscription.startAt);
    if (!acquired) return 0;
    let delivered = 0;
    for (;;) {
      const batch = await this.store.readAfterCursor(subscription.name, subscription.batchSize);
      if (batch.length === 0) return delivered;
      const wanted = this.parse(subscription, subscription.types ? batch.filter((e) => subscription.types!.has(e.type)) : batch);
      if (wanted.length > 0) await subscription.handle(wanted);
      await this.store.advanceCursor(subscription.name, NODE_ID, batch[batch.length - 1]!.id);
      delivered += batch.length;
      if (batch.length < subscription.batchSize) return delivered;
    }
  }

  private parse(subscription: Subscription, events: readonly StoredEvent[]): DeliveredEvent[] {
    const parsed: DeliveredEvent[] = [];
    for (const stored of events) {
      const result = parseEvent(stored);
      if (result.ok) {
        parsed.push(result.event);
        continue;
      }
      this.skipped.set(subscription.name, this.skippedCount(subscription.name) + 1);
      this.log.error({ subscriber: subscription.name, eventId: stored.id, eventType: stored.type, err: result.error }, 'event does not parse, skipped');
    }
    return parsed;
  }
}
