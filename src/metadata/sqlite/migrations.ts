import type { Migration } from '../migration.js';

// Times are integer milliseconds since the epoch throughout.
export const coreMigrations: Migration[] = [
  {
    id: 'registry/001-initial',
    sqlite: `
      CREATE TABLE repositories (
        id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        image_tag_mutability TEXT NOT NULL DEFAULT 'MUTABLE',
        tag_mutability_exclusions TEXT NOT NULL DEFAULT '[]',
        scan_on_push INTEGER NOT NULL DEFAULT 0,
        encryption_type TEXT NOT NULL DEFAULT 'AES256',
        kms_key TEXT,
        public INTEGER NOT NULL DEFAULT 0,
        UNIQUE (account_id, name)
      );
      CREATE TABLE blobs (
        digest TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE repository_blobs (
        repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
        digest TEXT NOT NULL REFERENCES blobs(digest),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (repository_id, digest)
      ) WITHOUT ROWID;
      CREATE INDEX repository_blobs_by_digest ON repository_blobs(digest);
      CREATE TABLE manifests (
        id INTEGER PRIMARY KEY,
        repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
        digest TEXT NOT NULL,
        media_type TEXT NOT NULL,
        artifact_type TEXT,
        subject_digest TEXT,
        config_digest TEXT,
        size INTEGER NOT NULL,
        image_size INTEGER NOT NULL,
        annotations TEXT,
        content BLOB NOT NULL,
        pushed_at INTEGER NOT NULL,
        last_pulled_at INTEGER,
        UNIQUE (repository_id, digest)
      );
      CREATE INDEX manifests_by_subject ON manifests(repository_id, subject_digest) WHERE subject_digest IS NOT NULL;
      CREATE TABLE manifest_blobs (
        manifest_id INTEGER NOT NULL REFERENCES manifests(id) ON DELETE CASCADE,
        digest TEXT NOT NULL,
        PRIMARY KEY (manifest_id, digest)
      ) WITHOUT ROWID;
      CREATE INDEX manifest_blobs_by_digest ON manifest_blobs(digest);
      CREATE TABLE manifest_children (
        manifest_id INTEGER NOT NULL REFERENCES manifests(id) ON DELETE CASCADE,
        child_digest TEXT NOT NULL,
        PRIMARY KEY (manifest_id, child_digest)
      ) WITHOUT ROWID;
      CREATE INDEX manifest_children_by_child ON manifest_children(child_digest);
      CREATE TABLE tags (
        repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        manifest_id INTEGER NOT NULL REFERENCES manifests(id) ON DELETE CASCADE,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (repository_id, name)
      ) WITHOUT ROWID;
      CREATE INDEX tags_by_manifest ON tags(manifest_id);
      CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
        started_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX uploads_by_updated ON uploads(updated_at);
    `,
  },
  {
    id: 'events/001-outbox',
    sqlite: `
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL,
        account_id TEXT,
        occurred_at INTEGER NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE INDEX events_by_type ON events(type, id);
      CREATE TABLE event_cursors (
        subscriber TEXT PRIMARY KEY,
        last_event_id INTEGER NOT NULL,
        lease_owner TEXT,
        lease_until INTEGER
      );
    `,
  },
  {
    id: 'jobs/001-queue',
    sqlite: `
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL,
        dedupe_key TEXT,
        run_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_until INTEGER,
        last_error TEXT,
        result TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX jobs_due ON jobs(status, run_at);
      CREATE UNIQUE INDEX jobs_active_dedupe ON jobs(dedupe_key)
        WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running');
    `,
  },
];
