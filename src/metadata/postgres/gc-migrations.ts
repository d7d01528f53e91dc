import type { PostgresMigration } from '../migration.js';

/**
 * Garbage collection's schema (see sqlite/gc-migrations.ts). Lease keys compare bytewise: a
 * digest's writer leases are the key range after `<digest>|`.
 */
export const gcPostgresMigrations: PostgresMigration[] = [
  {
    id: 'gc/001-blob-usage-and-leases',
    postgres: `
      ALTER TABLE blobs ADD COLUMN last_used_at BIGINT;
      CREATE TABLE gc_leases (
        key TEXT COLLATE "C" PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      );
    `,
  },
];
