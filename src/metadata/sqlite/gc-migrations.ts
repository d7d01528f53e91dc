import type { Migration } from '../migration.js';

/**
 * Garbage collection's schema: when each blob was last used (rows from before this migration fall
 * back to created_at, so the migration stays O(1) on large tables) and the per-key lease table
 * that keeps the sweep and blob writers from interleaving across processes and nodes.
 */
export const gcMigrations: Migration[] = [
  {
    id: 'gc/001-blob-usage-and-leases',
    sqlite: `
      ALTER TABLE blobs ADD COLUMN last_used_at INTEGER;
      CREATE TABLE gc_leases (
        key TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];
