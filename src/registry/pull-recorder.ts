import type { Logger } from '../util/logger.js';
import type { RegistryStore } from '../metadata/registry-store.js';

/**
 * Coalesces pull times (ECR's lastRecordedPullTime) and writes them in batches, so a burst of
 * manifest GETs costs one write per image per interval instead of one per request.
 */
export class PullRecorder {
  private pending = new Map<string, { repositoryId: number; digest: string; at: Date }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: RegistryStore,
    private readonly log: Logger,
    private readonly intervalMs = 2000,
  ) {}

  record(repositoryId: number, digest: string, at: Date): void {
    this.pending.set(`${repositoryId}@${digest}`, { repositoryId, digest, at });
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs).unref();
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.store.recordPulls(batch);
    } catch (err) {
      this.log.warn({ err, count: batch.length }, 'recording pull times failed');
    }
  }
}
