import type { Migration } from '../migration.js';

/**
 * The scanning module's schema (the vulnerability database's tables are src/scanning/vulndb's).
 *
 * - scan_registry_configs: each account's PutRegistryScanningConfiguration, rules as JSON.
 * - image_scans: one row per scanned image (manifest), cascading with it. `generation` counts scan
 *   requests so a job finishing for a superseded request writes nothing.
 * - image_scan_findings: the findings of the image's last evaluation, in listing order
 *   (`position`), with Inspector-style observation times and ACTIVE/CLOSED status.
 * - scan_sboms: CycloneDX JSON per image digest, shared by every repository holding the digest;
 *   `scanner_version` says which inventory logic produced it (an older one is not reused).
 * - scan_state: the database version continuous re-evaluation last completed.
 */
export const scanMigrations: readonly Migration[] = [
  {
    id: 'scan/001-scans',
    sqlite: `
      CREATE TABLE scan_registry_configs (
        account_id TEXT PRIMARY KEY,
        scan_type TEXT NOT NULL,
        rules TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE image_scans (
        manifest_id INTEGER PRIMARY KEY REFERENCES manifests(id) ON DELETE CASCADE,
        repository_id INTEGER NOT NULL,
        digest TEXT NOT NULL,
        scan_type TEXT NOT NULL,
        status TEXT NOT NULL,
        description TEXT,
        generation INTEGER NOT NULL,
        requested_at INTEGER NOT NULL,
        completed_at INTEGER,
        vulndb_version INTEGER,
        vuln_source_updated_at INTEGER,
        severity_counts TEXT,
        enhanced_severity_counts TEXT,
        image_facts TEXT
      );
      CREATE INDEX image_scans_by_digest ON image_scans(digest);
      CREATE TABLE image_scan_findings (
        manifest_id INTEGER NOT NULL REFERENCES image_scans(manifest_id) ON DELETE CASCADE,
        finding_key TEXT NOT NULL,
        group_key TEXT NOT NULL,
        position INTEGER NOT NULL,
        status TEXT NOT NULL,
        severity TEXT NOT NULL,
        finding TEXT NOT NULL,
        first_observed_at INTEGER NOT NULL,
        last_observed_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (manifest_id, finding_key)
      ) WITHOUT ROWID;
      CREATE TABLE scan_sboms (
        digest TEXT PRIMARY KEY,
        scanner_version INTEGER NOT NULL,
        sbom TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE scan_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        rematched_version INTEGER NOT NULL
      );
      INSERT INTO scan_state (id, rematched_version) VALUES (1, 0);
    `,
  },
];
