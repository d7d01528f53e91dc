import { tooManyTags } from '../../domain/errors.js';
import type { RepositoryTagStore, ResourceTag } from '../repository-tag-store.js';
import type { SqliteDatabase } from './database.js';

export class SqliteRepositoryTagStore implements RepositoryTagStore {
  constructor(private readonly database: SqliteDatabase) {}

  async getRepositoryTags(repositoryId: number): Promise<ResourceTag[]> {
    return this.database
      .stmt('SELECT key, value FROM repository_tags WHERE repository_id = ? ORDER BY key')
      .all(repositoryId) as ResourceTag[];
  }

  async tagRepository(repositoryId: number, tags: readonly ResourceTag[], maxTags: number): Promise<void> {
    this.database.write(() => {
      insertRepositoryTags(this.database, repositoryId, tags);
      const { count } = this.database.stmt('SELECT COUNT(*) AS count FROM repository_tags WHERE repository_id = ?').get(repositoryId) as {
        count: number;
      };
      // Throwing rolls the upserts back.
      if (count > maxTags) throw tooManyTags(maxTags);
    });
  }

  async untagRepository(repositoryId: number, keys: readonly string[]): Promise<void> {
    this.database.write(() => {
      const remove = this.database.stmt('DELETE FROM repository_tags WHERE repository_id = ? AND key = ?');
      for (const key of keys) remove.run(repositoryId, key);
    });
  }
}

/** Upserts tags inside the caller's transaction (also used when a repository is created with tags). */
export function insertRepositoryTags(database: SqliteDatabase, repositoryId: number, tags: readonly ResourceTag[]): void {
  const upsert = database.stmt(
    `INSERT INTO repository_tags (repository_id, key, value) VALUES (?, ?, ?)
     ON CONFLICT(repository_id, key) DO UPDATE SET value = excluded.value`,
  );
  for (const tag of tags) upsert.run(repositoryId, tag.key, tag.value);
}
