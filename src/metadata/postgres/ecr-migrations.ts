import type { PostgresMigration } from '../migration.js';

/** What the ECR control plane keeps beyond the registry core: resource tags on repositories. */
export const ecrPostgresMigrations: PostgresMigration[] = [
  {
    id: 'ecr/001-repository-tags',
    postgres: `
      CREATE TABLE repository_tags (
        repository_id BIGINT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
        key TEXT COLLATE "C" NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (repository_id, key)
      );
    `,
  },
];
