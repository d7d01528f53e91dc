/**
 * Every table of the SQLite schema and what `berth migrate` does with it: copied to PostgreSQL
 * (in this order, parents before the tables that reference them), or skipped for a stated reason.
 * The migration refuses a source with a table this list does not name, and
 * test/metadata/transfer-catalogue.test.ts fails when a SQLite migration adds one: a new table
 * must be placed here, never silently left behind.
 */
export const COPIED_TABLES = [
  // IAM
  'iam_accounts',
  'iam_users',
  'iam_access_keys',
  'iam_user_policies',
  // Account-wide settings and policies
  'ecr_registry_policies',
  'ecr_account_settings',
  'scan_registry_configs',
  // Repositories and what hangs off them
  'repositories',
  'repository_tags',
  'ecr_repository_policies',
  'lifecycle_policies',
  // Blobs and images
  'blobs',
  'repository_blobs',
  'manifests',
  'manifest_blobs',
  'manifest_children',
  'tags',
  'image_storage',
  // Lifecycle previews
  'lifecycle_previews',
  'lifecycle_preview_results',
  // Vulnerability database and scans
  'vulndb_sources',
  'vulndb_advisories',
  'vulndb_affected',
  'vulndb_feeds',
  'vulndb_state',
  'scan_sboms',
  'image_scans',
  'image_scan_findings',
  'scan_state',
  // Outbox, jobs, audit
  'events',
  'event_cursors',
  'jobs',
  'audit_log',
] as const;

export type CopiedTable = (typeof COPIED_TABLES)[number];

/** Tables not copied, and why (printed in the summary). */
export const SKIPPED_TABLES: Readonly<Record<string, string>> = {
  uploads: 'upload sessions in progress are not moved (their bytes are staged on the old disk): clients push those layers again',
  gc_leases: 'short leases between processes on the old node; none is held once it is stopped',
  deployment_fingerprints: "the old node's keyring, server secret and storage fingerprints: the new deployment records its own when its first node starts",
  schema_migrations: 'the destination applies its own migrations; the migration checks both are at the same version',
  sqlite_sequence: "SQLite's AUTOINCREMENT counters: read to set the PostgreSQL identity sequences, never below them",
};

/** Tables the PostgreSQL migrations fill with one row (a singleton), which the copy replaces. */
export const SEEDED_TABLES: ReadonlySet<string> = new Set(['vulndb_state', 'scan_state']);

/** What the migration does with `table`: undefined when it does not know it. */
export function plannedAction(table: string): 'copy' | 'skip' | undefined {
  if ((COPIED_TABLES as readonly string[]).includes(table)) return 'copy';
  return table in SKIPPED_TABLES ? 'skip' : undefined;
}
