import type { Logger } from '../util/logger.js';
import type { EventStore, StoredEvent } from '../metadata/event-store.js';
import { NODE_ID } from '../jobs/node-id.js';

export type EventHandler = (events: StoredEvent[]) => Promise<void>;

interface Subscription {
  name: string;
  handler: EventHandler;
  batchSize: number;
  /** Event types the subscriber wants; others advance its cursor without a call. */
  types?: ReadonlySet<string>;
  /** Where a subscriber seen for the first time starts: the whole log, or what happens from now on. */
  startAt: 'beginning' | 'end';
}

const LEASE_MS = 30_000;

/**
 * Delivers outbox events to the subscribers registered with `subscribe` (the audit log and
 * scanning) at least once, in order. Each subscriber's cursor is leased, so across many nodes
 * exactly one delivers a given subscriber's events at a time; a failed batch is retried until it
 * succeeds.
 */
export class EventDispatcher {
  private readonly subscriptions: Subscription[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private failures = 0;

  constructor(
    private readonly store: EventStore,
    private readonly log: Logger,
    private readonly options: { pollIntervalMs: number; now: () => Date } = { pollIntervalMs: 500, now: () => new Date() },
  ) {}

  subscribe(
    name: string,
    handler: EventHandler,
    options: { batchSize?: number; types?: string[]; startAt?: 'beginning' | 'end' } = {},
  ): void {
    this.subscriptions.push({
      name,
      handler,
      batchSize: options.batchSize ?? 100,
      startAt: options.startAt ?? 'end',
      ...(options.types && { types: new Set(options.types) }),
    });
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
        const backoff = Math.min(30_000, this.options.pollIntervalMs * 2 ** this.failures);
        this.schedule(delivered > 0 ? 0 : this.failures > 0 ? backoff : this.options.pollIntervalMs);
      });
    }, delay);
    this.timer.unref();
  }

  private async deliver(subscription: Subscription): Promise<number> {
    const acquired = await this.store.acquireCursor(subscription.name, NODE_ID, LEASE_MS, this.options.now(), subscription.startAt);
    if (!acquired) return 0;
    let delivered = 0;
    for (;;) {
      const batch = await this.store.readAfterCursor(subscription.name, subscription.batchSize);
      if (batch.length === 0) return delivered;
      const wanted = subscription.types ? batch.filter((e) => subscription.types!.has(e.type)) : batch;
      if (wanted.length > 0) await subscription.handler(wanted);
      await this.store.advanceCursor(subscription.name, NODE_ID, batch[batch.length - 1]!.id);
      delivered += batch.length;
      if (batch.length < subscription.batchSize) return delivered;
    }
  }
}
