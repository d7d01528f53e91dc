import type { OutboxEvent } from '../event-store.js';
import type { ImageFilter, ImageIdRecord, ImageRecord, ImageStore, UntagResult } from '../image-store.js';
import { type Page, pageOf, rowsFor } from '../page.js';
import type { SqliteDatabase } from './database.js';
import { insertEvents } from './event-store.js';
import { type ImageIdRow, MANIFEST_SUMMARY_COLUMNS, type ManifestRow, type StateRow, toImageId, toManifestSummary, toState } from '../rows.js';

/**
 * The image queries: ECR's listings and lookups, and how an image's storage state is read. The
 * state lives in the lifecycle module's image_storage table (a row only for images ever archived;
 * no row means ACTIVE); every query that needs it — here, the pull path (manifest-store.ts) and
 * lifecycle's (lifecycle-images.ts) — joins it with `storageOf` and reads it with these columns.
 */

/** Joins the storage row (as `s`) of the manifest aliased `alias`. */
export const storageOf = (alias: string): string => `LEFT JOIN image_storage s ON s.manifest_id = ${alias}.id`;

/** The storage status of the image joined with storageOf. */
export const IMAGE_STATUS = `COALESCE(s.status, 'ACTIVE')`;

/** The storage state of the image joined with storageOf (a StateRow). */
export const STATE_COLUMNS = `${IMAGE_STATUS} AS status, s.last_archived_at, s.last_activated_at`;


// Columns of an image: the manifest, its storage state, its tags as a JSON array, and ECR's
// reported size (an index reports its largest child, which it lists in manifest_children).
// Joins here start from the selective side with CROSS JOIN (SQLite's way to fix join order):
// without ANALYZE statistics the planner would otherwise scan every manifest of the repository
// per row, which makes listings of large repositories quadratic.
const IMAGE_COLUMNS = `${MANIFEST_SUMMARY_COLUMNS
  .split(', ')
  .map((c) => `m.${c}`)
  .join(', ')}, ${STATE_COLUMNS},
  (SELECT json_group_array(name) FROM (SELECT name FROM tags WHERE manifest_id = m.id ORDER BY name)) AS tag_names,
  COALESCE((SELECT MAX(cm.image_size) FROM manifest_children c
            CROSS JOIN manifests cm ON cm.repository_id = m.repository_id AND cm.digest = c.child_digest
            WHERE c.manifest_id = m.id), m.image_size) AS reported_size`;

const IMAGES = `manifests m ${storageOf('m')}`;

// ECR's filters. (@tagStatus = 'TAGGED') and EXISTS are both 0/1, so equality selects tagged or untagged images.
const IMAGE_STATUS_FILTER = `(@imageStatus = 'ANY' OR ${IMAGE_STATUS} = @imageStatus)`;
const TAG_STATUS_FILTER = `(@tagStatus = 'ANY' OR (@tagStatus = 'TAGGED') = EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = m.id))`;

type ImageRow = ManifestRow & StateRow & { tag_names: string; reported_size: number };

export class SqliteImageStore implements ImageStore {
  constructor(private readonly database: SqliteDatabase) {}

  async listImageIds(
    repositoryId: number,
    options: ImageFilter & { after?: ImageIdRecord; limit: number },
  ): Promise<Page<ImageIdRecord, ImageIdRecord>> {
    // One row per (image, tag), and one for an untagged image; the tag filter applies per row.
    const rows = this.database
      .stmt(
        `SELECT m.digest, t.name AS tag FROM ${IMAGES} LEFT JOIN tags t ON t.manifest_id = m.id
         WHERE m.repository_id = @repository AND ${IMAGE_STATUS_FILTER}
           AND (@tagStatus = 'ANY' OR (@tagStatus = 'TAGGED') = (t.name IS NOT NULL))
           AND (m.digest, COALESCE(t.name, '')) > (@afterDigest, @afterTag)
         ORDER BY m.digest, COALESCE(t.name, '') LIMIT @limit`,
      )
      .all({
        repository: repositoryId,
        imageStatus: options.imageStatus,
        tagStatus: options.tagStatus,
        afterDigest: options.after?.digest ?? '',
        afterTag: options.after?.tag ?? '',
        limit: rowsFor(options.limit),
      }) as ImageIdRow[];
    return pageOf(rows.map(toImageId), options.limit, (id) => id);
  }

  async listImages(repositoryId: number, options: ImageFilter & { after?: string; limit: number }): Promise<Page<ImageRecord>> {
    const rows = this.database
      .stmt(
        `SELECT ${IMAGE_COLUMNS} FROM ${IMAGES}
         WHERE m.repository_id = @repository AND m.digest > @after AND ${IMAGE_STATUS_FILTER} AND ${TAG_STATUS_FILTER}
         ORDER BY m.digest LIMIT @limit`,
      )
      .all({
        repository: repositoryId,
        imageStatus: options.imageStatus,
        tagStatus: options.tagStatus,
        after: options.after ?? '',
        limit: rowsFor(options.limit),
      }) as ImageRow[];
    return pageOf(rows.map(toImage), options.limit, (image) => image.digest);
  }

  async getImages(repositoryId: number, digests: readonly string[]): Promise<ImageRecord[]> {
    if (digests.length === 0) return [];
    const rows = this.database
      .stmt(
        `SELECT ${IMAGE_COLUMNS} FROM ${IMAGES}
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
  return {
    ...toManifestSummary(row),
    ...toState(row),
    tags: JSON.parse(row.tag_names) as string[],
    reportedSize: row.reported_size,
  };
}
