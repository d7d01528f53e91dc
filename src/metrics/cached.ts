/**
 * A value read at most once per `ttlMs` (scrapes from several Prometheus servers, or a dashboard
 * refreshing, share one metadata query), and by one caller at a time: callers that come while a
 * read is under way wait for it. A failed read is not kept.
 */
export class Cached<T> {
  private value: { at: number; promise: Promise<T> } | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly monotonicNow: () => number = () => performance.now(),
  ) {}

  get(): Promise<T> {
    const now = this.monotonicNow();
    if (this.value && now - this.value.at < this.ttlMs) return this.value.promise;
    const promise = this.read();
    const entry = { at: now, promise };
    this.value = entry;
    promise.catch(() => {
      if (this.value === entry) this.value = undefined;
    });
    return promise;
  }
}
