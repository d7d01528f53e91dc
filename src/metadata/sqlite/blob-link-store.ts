import type { BlobLinkStore, BlobRecord, BlobUnlink } from '../blob-link-store.js';
import type { SqliteDatabase } from './database.js';

/** The blob linked to the repository, with its stored size (also putManifest's reference check). */
export function repositoryBlob(database: SqliteDatabase, repositoryId: number, digest: string): BlobRecord | undefined {
  return database
    .stmt(
      `SELECT b.digest, b.size FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest
       WHERE rb.repository_id = ? AND rb.digest = ?`,
    )
    .get(repositoryId, digest) as BlobRecord | undefined;
}

export class SqliteBlobLinkStore implements BlobLinkStore {
  constructor(private readonly database: SqliteDatabase) {}

  async getRepositoryBlob(repositoryId: number, digest: string): Promise<BlobRecord | undefined> {
    return repositoryBlob(this.database, repositoryId, digest);
  }

  async linkBlob(repositoryId: number, blob: BlobRecord, now: Date): Promise<void> {
    this.database.write(() => {
      this.database
        .stmt('INSERT INTO blobs (digest, size, created_at) VALUES (?, ?, ?) ON CONFLICT(digest) DO NOTHING')
        .run(blob.digest, blob.size, now.getTime());
      this.database
        .stmt(
          `INSERT INTO repository_blobs (repository_id, digest, created_at) VALUES (?, ?, ?)
           ON CONFLICT(repository_id, digest) DO NOTHING`,
        )
        .run(repositoryId, blob.digest, now.getTime());
    });
  }

  async unlinkBlob(repositoryId: number, digest: string): Promise<BlobUnlink> {
    return this.database.write((): BlobUnlink => {
      const user = this.database
        .stmt(
          `SELECT m.digest, (SELECT t.name FROM tags t WHERE t.manifest_id = m.id ORDER BY t.name LIMIT 1) AS tag
           FROM manifest_blobs mb JOIN manifests m ON m.id = mb.manifest_id
           WHERE mb.digest = ? AND m.repository_id = ?
           ORDER BY tag IS NULL, m.id LIMIT 1`,
        )
        .get(digest, repositoryId) as { digest: string; tag: string | null } | undefined;
      if (user) return { outcome: 'referenced', manifest: user.digest, ...(user.tag !== null && { tag: user.tag }) };
      const result = this.database.stmt('DELETE FROM repository_blobs WHERE repository_id = ? AND digest = ?').run(repositoryId, digest);
      return { outcome: result.changes > 0 ? 'unlinked' : 'missing' };
    });
  }
}
