import type { ImageIdRecord, ImageRecord, ImageStore, TagStatus, UntagResult } from '../image-store.js';
import type { OutboxEvent } from '../event-store.js';
import type { SqliteDatabase } from './database.js';
import { insertEvents } from './event-store.js';
import { imageIdPage } from './image-id-pages.js';
import { MANIFEST_SUMMARY_COLUMNS, type ManifestRow, toManifestSummary } from './rows.js';

// Columns of an image: the manifest, its tags as a JSON array, and ECR's reported size (an index
// reports its largest child, which it lists in manifest_children).
// Joins here start from the selective side with CROSS JOIN (SQLite's way to fix join order):
// without ANALYZE statistics the planner would otherwise scan every manifest of the repository
// per row, which makes listings of large repositories quadratic.
const IMAGE_COLUMNS = `${MANIFEST_SUMMARY_COLUMNS
  .split(', ')
  .map((c) => `m.${c}`)
  .join(', ')},
  (SELECT json_group_array(name) FROM (SELECT name FROM tags WHERE manifest_id = m.id ORDER BY name)) AS tag_names,
  COALESCE((SELECT MAX(cm.image_size) FROM manifest_children c
            CROSS JOIN manifests cm ON cm.repository_id = m.repository_id AND cm.digest = c.child_digest
            WHERE c.manifest_id = m.id), m.image_size) AS reported_size`;

// (@status = 'TAGGED') and EXISTS are both 0/1, so equality selects tagged or untagged images.
const TAG_STATUS_FILTER = `(@status = 'ANY' OR (@status = 'TAGGED') = EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = m.id))`;

type ImageRow = ManifestRow & { tag_names: string; reported_size: number };

export class SqliteImageStore implements ImageStore {
  constructor(private readonly database: SqliteDatabase) {}

  async listImageIds(
    repositoryId: number,
    options: { tagStatus: TagStatus; after?: ImageIdRecord; limit: number },
  ): Promise<{ items: ImageIdRecord[]; more: boolean }> {
    return imageIdPage(this.database, repositoryId, options);
  }

  async listImages(
    repositoryId: number,
    options: { tagStatus: TagStatus; after?: string; limit: number },
  ): Promise<{ items: ImageRecord[]; more: boolean }> {
    const rows = this.database
      .stmt(
        `SELECT ${IMAGE_COLUMNS} FROM manifests m
         WHERE m.repository_id = @repository AND m.digest > @after AND ${TAG_STATUS_FILTER}
         ORDER BY m.digest LIMIT @limit`,
      )
      .all({ repository: repositoryId, status: options.tagStatus, after: options.after ?? '', limit: options.limit + 1 }) as ImageRow[];
    return { items: rows.slice(0, options.limit).map(toImage), more: rows.length > options.limit };
  }

  async getImages(repositoryId: number, digests: readonly string[]): Promise<ImageRecord[]> {
    if (digests.length === 0) return [];
    const rows = this.database
      .stmt(
        `SELECT ${IMAGE_COLUMNS} FROM manifests m
         WHERE m.repository_id = @repository AND m.digest IN (SELECT value FROM json_each(@digests))`,
      )
      .all({ repository: repositoryId, digests: JSON.stringify(digests) }) as ImageRow[];
    return rows.map(toImage);
  }

  async isBlobReferenced(repositoryId: number, digest: string): Promise<boolean> {
    const row = this.database
      .stmt(
        `SELECT 1 AS found FROM manifest_blobs mb CROSS JOIN manifests m ON m.id = mb.manifest_id
         WHERE mb.digest = ? AND m.repository_id = ? LIMIT 1`,
      )
      .get(digest, repositoryId);
    return row !== undefined;
  }

  async untagImage(
    repositoryId: number,
    tag: string,
    events: (result: UntagResult) => OutboxEvent[],
  ): Promise<UntagResult | undefined> {
    return this.database.write(() => {
      const current = this.database
        .stmt(
          `SELECT t.manifest_id, m.digest FROM tags t JOIN manifests m ON m.id = t.manifest_id
           WHERE t.repository_id = ? AND t.name = ?`,
        )
        .get(repositoryId, tag) as { manifest_id: number; digest: string } | undefined;
      if (!current) return undefined;
      this.database.stmt('DELETE FROM tags WHERE repository_id = ? AND name = ?').run(repositoryId, tag);
      const result: UntagResult = { digest: current.digest, imageDeleted: false };
      const tagged = this.database.stmt('SELECT 1 AS found FROM tags WHERE manifest_id = ? LIMIT 1').get(current.manifest_id);
      if (!tagged) {
        const inIndex = this.database
          .stmt(
            `SELECT 1 AS found FROM manifest_children c CROSS JOIN manifests p ON p.id = c.manifest_id
             WHERE c.child_digest = ? AND p.repository_id = ? LIMIT 1`,
          )
          .get(current.digest, repositoryId);
        if (!inIndex) {
          this.database.stmt('DELETE FROM manifests WHERE id = ?').run(current.manifest_id);
          result.imageDeleted = true;
        }
      }
      insertEvents(this.database, events(result));
      return result;
    });
  }
}

function toImage(row: ImageRow): ImageRecord {
  return { ...toManifestSummary(row), tags: JSON.parse(row.tag_names) as string[], reportedSize: row.reported_size };
}
