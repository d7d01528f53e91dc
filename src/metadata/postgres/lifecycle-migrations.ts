import type { PostgresMigration } from '../migration.js';

/**
 * The lifecycle module's schema (see sqlite/lifecycle-migrations.ts for what each table holds).
 * image_storage is read by the pull path and ECR's image listings too (image-store.ts).
 */
export const lifecyclePostgresMigrations: PostgresMigration[] = [
  {
    id: 'lifecycle/001-policies-previews-storage',
    postgres: `
      CREATE TABLE lifecycle_policies (
        repository_id BIGINT PRIMARY KEY REFERENCES repositories(id) ON DELETE CASCADE,
        policy_text TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        last_evaluated_at BIGINT
      );
      CREATE TABLE lifecycle_previews (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        repository_id BIGINT NOT NULL UNIQUE REFERENCES repositories(id) ON DELETE CASCADE,
        policy_text TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        completed_at BIGINT,
        expiring_count INTEGER,
        transitioning_count INTEGER,
        failure TEXT
      );
      CREATE TABLE lifecycle_preview_results (
        preview_id BIGINT NOT NULL REFERENCES lifecycle_previews(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        image_digest TEXT COLLATE "C" NOT NULL,
        image_tags TEXT NOT NULL,
        tagged BOOLEAN NOT NULL,
        image_pushed_at BIGINT NOT NULL,
        storage_class TEXT NOT NULL,
        applied_rule_priority INTEGER NOT NULL,
        action TEXT NOT NULL,
        PRIMARY KEY (preview_id, position)
      );
      CREATE TABLE image_storage (
        manifest_id BIGINT PRIMARY KEY REFERENCES manifests(id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        last_archived_at BIGINT,
        last_activated_at BIGINT,
        status_changed_at BIGINT NOT NULL
      );
    `,
  },
];
