import type { BlobLinkStore, BlobRecord, BlobUnlink } from '../blob-link-store.js';
import { type PostgresDatabase, sqlState } from './database.js';

export class PostgresBlobLinkStore implements BlobLinkStore {
  constructor(private readonly database: PostgresDatabase) {}

  async getRepositoryBlob(repositoryId: number, digest: string): Promise<BlobRecord | undefined> {
    return this.database.row<BlobRecord>(
      `SELECT b.digest, b.size FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest
       WHERE rb.repository_id = $1 AND rb.digest = $2`,
      [repositoryId, digest],
    );
  }

  async linkBlob(repositoryId: number, blob: BlobRecord, now: Date): Promise<void> {
    // One statement: the blob row and the link commit together. The service holds a writer's
    // lease on the digest, which keeps the sweep away (gc-store.ts); should a sweep delete the
    // blob row all the same between the two inserts, the link's foreign key check fails once and
    // the next round inserts the blob afresh.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.database.run(
          `WITH blob AS (INSERT INTO blobs (digest, size, created_at) VALUES ($2, $3, $4) ON CONFLICT (digest) DO NOTHING)
           INSERT INTO repository_blobs (repository_id, digest, created_at) VALUES ($1, $2, $4) ON CONFLICT (repository_id, digest) DO NOTHING`,
          [repositoryId, blob.digest, blob.size, now.getTime()],
        );
        return;
      } catch (err) {
        if (attempt >= 3 || sqlState(err) !== '23503' || !(await this.hasBlobGone(blob.digest))) throw err;
      }
    }
  }

  private async hasBlobGone(digest: string): Promise<boolean> {
    return (await this.database.row('SELECT 1 AS found FROM blobs WHERE digest = $1', [digest])) === undefined;
  }

  async unlinkBlob(repositoryId: number, digest: string): Promise<BlobUnlink> {
    return this.database.transaction(async (tx): Promise<BlobUnlink> => {
      // Locking the link first waits out a manifest commit that holds it (FOR KEY SHARE), whose
      // manifest the check below then sees; a later commit waits for this one and finds no link.
      const link = await tx.row('SELECT 1 AS found FROM repository_blobs WHERE repository_id = $1 AND digest = $2 FOR UPDATE', [repositoryId, digest]);
      if (!link) return { outcome: 'missing' };
      const user = await tx.row<{ digest: string; tag: string | null }>(
        `SELECT m.digest, (SELECT t.name FROM tags t WHERE t.manifest_id = m.id ORDER BY t.name LIMIT 1) AS tag
         FROM manifest_blobs mb JOIN manifests m ON m.id = mb.manifest_id
         WHERE mb.digest = $1 AND m.repository_id = $2
         ORDER BY tag IS NULL, m.id LIMIT 1`,
        [digest, repositoryId],
      );
      if (user) return { outcome: 'referenced', manifest: user.digest, ...(user.tag !== null && { tag: user.tag }) };
      await tx.run('DELETE FROM repository_blobs WHERE repository_id = $1 AND digest = $2', [repositoryId, digest]);
      return { outcome: 'unlinked' };
    });
  }
}
