import type { PostgresMigration } from '../migration.js';

/**
 * The scanning module's schema (see sqlite/scan-migrations.ts for what each table holds). JSON is
 * kept as the text written (findings are compared as text to tell what changed). A finding's key
 * joins its parts with NUL characters (src/scanning/service/findings.ts), which TEXT cannot hold:
 * it is stored as its UTF-8 bytes.
 */
export const scanPostgresMigrations: PostgresMigration[] = [
  {
    id: 'scan/001-scans',
    postgres: `
      CREATE TABLE scan_registry_configs (
        account_id TEXT COLLATE "C" PRIMARY KEY,
        scan_type TEXT NOT NULL,
        rules TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE image_scans (
        manifest_id BIGINT PRIMARY KEY REFERENCES manifests(id) ON DELETE CASCADE,
        repository_id BIGINT NOT NULL,
        digest TEXT COLLATE "C" NOT NULL,
        scan_type TEXT NOT NULL,
        status TEXT NOT NULL,
        description TEXT,
        generation INTEGER NOT NULL,
        requested_at BIGINT NOT NULL,
        completed_at BIGINT,
        vulndb_version BIGINT,
        vuln_source_updated_at BIGINT,
        severity_counts TEXT,
        enhanced_severity_counts TEXT,
        image_facts TEXT
      );
      CREATE INDEX image_scans_by_digest ON image_scans(digest);
      CREATE TABLE image_scan_findings (
        manifest_id BIGINT NOT NULL REFERENCES image_scans(manifest_id) ON DELETE CASCADE,
        finding_key BYTEA NOT NULL,
        group_key TEXT NOT NULL,
        position INTEGER NOT NULL,
        status TEXT NOT NULL,
        severity TEXT NOT NULL,
        finding TEXT NOT NULL,
        first_observed_at BIGINT NOT NULL,
        last_observed_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (manifest_id, finding_key)
      );
      CREATE TABLE scan_sboms (
        digest TEXT COLLATE "C" PRIMARY KEY,
        scanner_version INTEGER NOT NULL,
        sbom TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE scan_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        rematched_version BIGINT NOT NULL
      );
      INSERT INTO scan_state (id, rematched_version) VALUES (1, 0);
    `,
  },
];
