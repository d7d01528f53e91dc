/**
 * Results of hot reads, kept while the database is unchanged. Every entry belongs to one database
 * version (SqliteDatabase.version: changes made by this connection plus commits made by any other),
 * so any write anywhere — this process, `berth gc` beside it, another node on the same file —
 * empties it before the next read can see a stale result. What it saves: timed inside a server
 * under wrk load, a manifest lookup by tag took ~46 µs and the version check ~23 µs (5 µs in a
 * tight loop); manifest GETs per second rose ~25%.
 *
 * Why by hand: the invalidation is the whole point and no cache library knows about SQLite's
 * data_version; what is left is a size-bounded Map.
 */
export class ReadCache<V> {
  private version?: string;
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private bytes = 0;

  constructor(private readonly limits: { entries: number; bytes: number }) {}

  /** The cached value (wrapped, so a cached `undefined` is a hit), or undefined on a miss. */
  get(key: string, version: string): { value: V } | undefined {
    if (version !== this.version) {
      this.clear();
      this.version = version;
      return undefined;
    }
    return this.entries.get(key);
  }

  /** Keeps a value read at `version` (the version taken before the read). */
  set(key: string, version: string, value: V, bytes: number): void {
    if (version !== this.version || bytes > this.limits.bytes / 8) return;
    while (this.entries.size >= this.limits.entries || this.bytes + bytes > this.limits.bytes) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
  }

  private clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
