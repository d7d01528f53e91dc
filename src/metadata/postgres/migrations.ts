import type { PostgresMigration } from '../migration.js';

// Times are BIGINT milliseconds since the epoch throughout, as on SQLite. Keys that listings order
// or page by (names, tags, digests) compare bytewise (COLLATE "C") whatever the database's locale,
// so pages come out in the same order as on SQLite.
export const corePostgresMigrations: PostgresMigration[] = [
  {
    id: 'registry/001-initial',
    postgres: `
      CREATE TABLE repositories (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account_id TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        created_at BIGINT NOT NULL,
        image_tag_mutability TEXT NOT NULL DEFAULT 'MUTABLE',
        tag_mutability_exclusions TEXT NOT NULL DEFAULT '[]',
        scan_on_push BOOLEAN NOT NULL DEFAULT false,
        encryption_type TEXT NOT NULL DEFAULT 'AES256',
        kms_key TEXT,
        public BOOLEAN NOT NULL DEFAULT false,
        UNIQUE (account_id, name)
      );
      CREATE TABLE blobs (
        digest TEXT COLLATE "C" PRIMARY KEY,
        size BIGINT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE repository_blobs (
        repository_id BIGINT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
        digest TEXT COLLATE "C" NOT NULL REFERENCES blobs(digest),
        created_at BIGINT NOT NULL,
        PRIMARY KEY (repository_id, digest)
      );
      CREATE INDEX repository_blobs_by_digest ON repository_blobs(digest);
      CREATE TABLE manifests (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        repository_id BIGINT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
        digest TEXT COLLATE "C" NOT NULL,
        media_type TEXT NOT NULL,
        artifact_type TEXT,
        subject_digest TEXT COLLATE "C",
        config_digest TEXT COLLATE "C",
        size BIGINT NOT NULL,
        image_size BIGINT NOT NULL,
        annotations TEXT,
        content BYTEA NOT NULL,
        pushed_at BIGINT NOT NULL,
        last_pulled_at BIGINT,
        UNIQUE (repository_id, digest)
      );
      CREATE INDEX manifests_by_subject ON manifests(repository_id, subject_digest) WHERE subject_digest IS NOT NULL;
      CREATE TABLE manifest_blobs (
        manifest_id BIGINT NOT NULL REFERENCES manifests(id) ON DELETE CASCADE,
        digest TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (manifest_id, digest)
      );
      CREATE INDEX manifest_blobs_by_digest ON manifest_blobs(digest);
      CREATE TABLE manifest_children (
        manifest_id BIGINT NOT NULL REFERENCES manifests(id) ON DELETE CASCADE,
        child_digest TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (manifest_id, child_digest)
      );
      CREATE INDEX manifest_children_by_child ON manifest_children(child_digest);
      CREATE TABLE tags (
        repository_id BIGINT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
        name TEXT COLLATE "C" NOT NULL,
        manifest_id BIGINT NOT NULL REFERENCES manifests(id) ON DELETE CASCADE,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (repository_id, name)
      );
      CREATE INDEX tags_by_manifest ON tags(manifest_id);
      CREATE TABLE uploads (
        id TEXT COLLATE "C" PRIMARY KEY,
        repository_id BIGINT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
        started_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX uploads_by_updated ON uploads(updated_at);
      CREATE INDEX uploads_by_repository ON uploads(repository_id);
    `,
  },
  {
    id: 'events/001-outbox',
    postgres: `
      CREATE TABLE events (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        type TEXT NOT NULL,
        account_id TEXT,
        occurred_at BIGINT NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE INDEX events_by_type ON events(type, id);
      CREATE TABLE event_cursors (
        subscriber TEXT PRIMARY KEY,
        last_event_id BIGINT NOT NULL,
        lease_owner TEXT,
        lease_until BIGINT
      );
    `,
  },
  {
    id: 'jobs/001-queue',
    postgres: `
      CREATE TABLE jobs (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL,
        dedupe_key TEXT,
        run_at BIGINT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_until BIGINT,
        last_error TEXT,
        result TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX jobs_due ON jobs(status, run_at);
      CREATE UNIQUE INDEX jobs_active_dedupe ON jobs(dedupe_key)
        WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running');
    `,
  },
];
