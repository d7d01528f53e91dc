import type { Logger } from '../util/logger.js';
import type { AuditEntry, AuditStore } from '../metadata/audit-store.js';

const FLUSH_INTERVAL_MS = 1000;
const MAX_BUFFERED = 500;

/**
 * Writes audit records off the request path: entries are buffered and written in one
 * transaction per second (or per 500 entries), so auditing costs a request almost nothing.
 * A crash can lose at most the last second of request records; records derived from outbox events
 * (image pushes and deletions, lifecycle actions, GC runs) are written by the event sink instead
 * and are never lost.
 */
export class AuditLog {
  private buffer: AuditEntry[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: AuditStore,
    private readonly log: Logger,
  ) {}

  record(entry: AuditEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length >= MAX_BUFFERED) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      await this.store.append(batch);
    } catch (err) {
      this.log.error({ err, count: batch.length }, 'writing audit records failed');
    }
  }
}
