import { randomUUID } from 'node:crypto';
import { NODE_ID } from '../jobs/node-id.js';
import type { GcStore } from '../metadata/gc-store.js';

/** The lease that keeps two garbage collections (a scheduled job, `berth gc`) from running at once. */
export const RUN_LEASE_KEY = 'gc:run';

/**
 * A lease owner id, unique per operation rather than per process: two commits of the same digest
 * in one process must exclude each other as much as two on different nodes do.
 */
export function leaseOwner(purpose: string): string {
  return `${purpose}:${NODE_ID}:${randomUUID()}`;
}

/**
 * Renews `owner`'s leases on `keys()` every third of the TTL until stopped, so work that takes
 * longer than one TTL keeps them; `onLost` hears of keys another owner took over (after an expiry
 * this process could not prevent, e.g. a stalled event loop).
 */
export function keepLeases(
  store: GcStore,
  keys: () => readonly string[],
  owner: string,
  ttlMs: number,
  now: () => Date,
  onLost: (lost: string[]) => void = () => undefined,
): () => void {
  const timer = setInterval(async () => {
    const wanted = keys();
    if (wanted.length === 0) return;
    try {
      const held = new Set(await store.renewLeases(wanted, owner, ttlMs, now()));
      const lost = wanted.filter((key) => !held.has(key));
      if (lost.length > 0) onLost(lost);
    } catch {
      // A failed renewal (database busy) is retried on the next tick; the TTL leaves room for that.
    }
  }, Math.max(50, ttlMs / 3));
  timer.unref();
  return () => clearInterval(timer);
}
