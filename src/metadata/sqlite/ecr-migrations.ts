import type { Migration } from '../migration.js';

/** What the ECR control plane keeps beyond the registry core: resource tags on repositories. */
export const ecrMigrations: Migration[] = [
  {
    id: 'ecr/001-repository-tags',
    sqlite: `
      CREATE TABLE repository_tags (
        repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (repository_id, key)
      ) WITHOUT ROWID;
    `,
  },
];
