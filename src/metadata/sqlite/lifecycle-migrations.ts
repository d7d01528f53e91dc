import type { Migration } from '../migration.js';

/**
 * The lifecycle module's schema. Everything hangs off repositories or manifests with ON DELETE
 * CASCADE, so deleting a repository or an image needs no lifecycle code.
 *
 * - lifecycle_policies: one policy per repository, stored verbatim.
 * - lifecycle_previews / lifecycle_preview_results: the latest preview per repository and what it
 *   would do, in evaluation order (position), with the image's tags as a JSON array. Preview ids
 *   never repeat (AUTOINCREMENT), so a job for a replaced preview cannot complete its successor.
 * - image_storage: storage state of images that were ever archived; no row means ACTIVE. Kept apart
 *   from manifests so the registry core's schema does not change, and small (only archived images).
 */
export const lifecycleMigrations: Migration[] = [
  {
    id: 'lifecycle/001-policies-previews-storage',
    sqlite: `
      CREATE TABLE lifecycle_policies (
        repository_id INTEGER PRIMARY KEY REFERENCES repositories(id) ON DELETE CASCADE,
        policy_text TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        last_evaluated_at INTEGER
      );
      CREATE TABLE lifecycle_previews (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        repository_id INTEGER NOT NULL UNIQUE REFERENCES repositories(id) ON DELETE CASCADE,
        policy_text TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        completed_at INTEGER,
        expiring_count INTEGER,
        transitioning_count INTEGER,
        failure TEXT
      );
      CREATE TABLE lifecycle_preview_results (
        preview_id INTEGER NOT NULL REFERENCES lifecycle_previews(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        image_digest TEXT NOT NULL,
        image_tags TEXT NOT NULL,
        tagged INTEGER NOT NULL,
        image_pushed_at INTEGER NOT NULL,
        storage_class TEXT NOT NULL,
        applied_rule_priority INTEGER NOT NULL,
        action TEXT NOT NULL,
        PRIMARY KEY (preview_id, position)
      ) WITHOUT ROWID;
      CREATE TABLE image_storage (
        manifest_id INTEGER PRIMARY KEY REFERENCES manifests(id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        last_archived_at INTEGER,
        last_activated_at INTEGER,
        status_changed_at INTEGER NOT NULL
      );
    `,
  },
];
