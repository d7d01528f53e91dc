import type { Migration } from '../migration.js';

/**
 * Vulnerability-database schema. Advisories are stored whole as OSV JSON per (source, id); an
 * index row per affected (package name, ecosystem) makes matching a few hundred packages against
 * hundreds of thousands of records a few hundred index lookups. `vulndb_state.version` is a
 * monotonic counter bumped by every import that changes records.
 */
export const vulnDbMigrations: readonly Migration[] = [
  {
    id: 'vulndb/001-advisories',
    sqlite: `
      CREATE TABLE vulndb_sources (
        name TEXT PRIMARY KEY,
        format TEXT NOT NULL,
        location TEXT NOT NULL,
        record_count INTEGER NOT NULL DEFAULT 0,
        last_import_at TEXT NOT NULL,
        last_change_at TEXT
      );
      CREATE TABLE vulndb_advisories (
        source TEXT NOT NULL,
        id TEXT NOT NULL,
        modified TEXT,
        digest TEXT NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (source, id)
      );
      CREATE TABLE vulndb_affected (
        name TEXT NOT NULL,
        ecosystem TEXT NOT NULL,
        source TEXT NOT NULL,
        advisory_id TEXT NOT NULL,
        PRIMARY KEY (name, ecosystem, source, advisory_id)
      ) WITHOUT ROWID;
      CREATE INDEX vulndb_affected_by_advisory ON vulndb_affected (source, advisory_id);
      CREATE TABLE vulndb_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL,
        updated_at TEXT
      );
      INSERT INTO vulndb_state (id, version, updated_at) VALUES (1, 0, NULL);
    `,
  },
  {
    // HTTP validators of the feeds `berth vulndb update` downloads, per URL.
    id: 'vulndb/002-feeds',
    sqlite: `
      CREATE TABLE vulndb_feeds (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        imported_at TEXT NOT NULL
      );
    `,
  },
];
