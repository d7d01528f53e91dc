/**
 * A sub-store the PostgreSQL engine does not have yet: every method rejects, naming the store and
 * method, so a deployment on PostgreSQL fails loudly at the first use instead of misbehaving.
 * Temporary, while the remaining sub-stores are written.
 */
export function notImplemented<T extends object>(store: string): T {
  return new Proxy({} as T, {
    get: (_target, property) =>
      // Not a thenable, and nothing for symbol lookups (inspection, iteration).
      typeof property === 'symbol' || property === 'then'
        ? undefined
        : () => Promise.reject(new Error(`the PostgreSQL metadata store does not implement ${store}.${property} yet`)),
  });
}
