import { tooManyTags } from '../../domain/errors.js';
import type { RepositoryTagStore, ResourceTag } from '../repository-tag-store.js';
import type { PostgresDatabase, Sql } from './database.js';

export class PostgresRepositoryTagStore implements RepositoryTagStore {
  constructor(private readonly database: PostgresDatabase) {}

  async getRepositoryTags(repositoryId: number): Promise<ResourceTag[]> {
    return this.database.rows<ResourceTag>('SELECT key, value FROM repository_tags WHERE repository_id = $1 ORDER BY key', [repositoryId]);
  }

  async tagRepository(repositoryId: number, tags: readonly ResourceTag[], maxTags: number): Promise<void> {
    await this.database.transaction(async (tx) => {
      // Taggers of one repository queue on its row, so two of them cannot each stay under the
      // limit and together exceed it.
      await tx.run('SELECT 1 FROM repositories WHERE id = $1 FOR NO KEY UPDATE', [repositoryId]);
      await insertRepositoryTags(tx, repositoryId, tags);
      const { count } = (await tx.row<{ count: number }>('SELECT COUNT(*) AS count FROM repository_tags WHERE repository_id = $1', [repositoryId]))!;
      // Throwing rolls the upserts back.
      if (count > maxTags) throw tooManyTags(maxTags);
    });
  }

  async untagRepository(repositoryId: number, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.database.run('DELETE FROM repository_tags WHERE repository_id = $1 AND key = ANY($2::text[])', [repositoryId, keys]);
  }
}

/** Upserts tags inside the caller's transaction (also used when a repository is created with tags). */
export async function insertRepositoryTags(tx: Sql, repositoryId: number, tags: readonly ResourceTag[]): Promise<void> {
  if (tags.length === 0) return;
  // One row per key, the last value winning, as successive upserts would leave it.
  const last = new Map(tags.map((t) => [t.key, t.value]));
  await tx.run(
    `INSERT INTO repository_tags (repository_id, key, value) SELECT $1, * FROM unnest($2::text[], $3::text[])
     ON CONFLICT (repository_id, key) DO UPDATE SET value = excluded.value`,
    [repositoryId, [...last.keys()], [...last.values()]],
  );
}
