import type { PostgresMigration } from '../migration.js';

/**
 * Vulnerability-database schema (see sqlite/vulndb-migrations.ts). Times are BIGINT milliseconds
 * (status reports them as ISO text, as SQLite stores them); names, ecosystems, sources and ids
 * compare bytewise, so lookups return advisories in SQLite's order and an ecosystem prefix is a
 * key range.
 */
export const vulnDbPostgresMigrations: PostgresMigration[] = [
  {
    id: 'vulndb/001-advisories',
    postgres: `
      CREATE TABLE vulndb_sources (
        name TEXT COLLATE "C" PRIMARY KEY,
        format TEXT NOT NULL,
        location TEXT NOT NULL,
        record_count INTEGER NOT NULL DEFAULT 0,
        last_import_at BIGINT NOT NULL,
        last_change_at BIGINT
      );
      CREATE TABLE vulndb_advisories (
        source TEXT COLLATE "C" NOT NULL,
        id TEXT COLLATE "C" NOT NULL,
        modified TEXT,
        digest TEXT NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (source, id)
      );
      CREATE TABLE vulndb_affected (
        name TEXT COLLATE "C" NOT NULL,
        ecosystem TEXT COLLATE "C" NOT NULL,
        source TEXT COLLATE "C" NOT NULL,
        advisory_id TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (name, ecosystem, source, advisory_id)
      );
      CREATE INDEX vulndb_affected_by_advisory ON vulndb_affected (source, advisory_id);
      CREATE TABLE vulndb_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version BIGINT NOT NULL,
        updated_at BIGINT
      );
      INSERT INTO vulndb_state (id, version, updated_at) VALUES (1, 0, NULL);
    `,
  },
  {
    // HTTP validators of the feeds `berth vulndb update` downloads, per URL.
    id: 'vulndb/002-feeds',
    postgres: `
      CREATE TABLE vulndb_feeds (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        imported_at BIGINT NOT NULL
      );
    `,
  },
];
