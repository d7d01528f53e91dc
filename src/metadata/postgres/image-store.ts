import type { OutboxEvent } from '../event-store.js';
import type { ImageFilter, ImageIdRecord, ImageRecord, ImageStore, UntagResult } from '../image-store.js';
import { type Page, pageOf, rowsFor } from '../page.js';
import { type ImageIdRow, MANIFEST_SUMMARY_COLUMNS, type ManifestRow, type StateRow, toImageId, toManifestSummary, toState } from '../rows.js';
import type { PostgresDatabase } from './database.js';
import { insertEvents } from './event-store.js';

/**
 * The image queries on PostgreSQL: ECR's listings and lookups, and how an image's storage state
 * is read (the lifecycle module's image_storage; no row means ACTIVE). Every query that needs the
 * state — here, the pull path (manifest-store.ts) and lifecycle's — joins it with `storageOf`.
 */

/** Joins the storage row (as `s`) of the manifest aliased `alias`. */
export const storageOf = (alias: string): string => `LEFT JOIN image_storage s ON s.manifest_id = ${alias}.id`;

/** The storage status of the image joined with storageOf. */
export const IMAGE_STATUS = `COALESCE(s.status, 'ACTIVE')`;

/** The storage state of the image joined with storageOf (a StateRow). */
export const STATE_COLUMNS = `${IMAGE_STATUS} AS status, s.last_archived_at, s.last_activated_at`;

// Columns of an image: the manifest, its storage state, its tags (an array, in order), and ECR's
// reported size (an index reports its largest child, which it lists in manifest_children).
const IMAGE_COLUMNS = `${MANIFEST_SUMMARY_COLUMNS.split(', ')
  .map((c) => `m.${c}`)
  .join(', ')}, ${STATE_COLUMNS},
  ARRAY(SELECT name FROM tags WHERE manifest_id = m.id ORDER BY name) AS tag_names,
  COALESCE((SELECT MAX(cm.image_size) FROM manifest_children c
            JOIN manifests cm ON cm.repository_id = m.repository_id AND cm.digest = c.child_digest
            WHERE c.manifest_id = m.id), m.image_size) AS reported_size`;

const IMAGES = `manifests m ${storageOf('m')}`;

// ECR's filters over parameters $2 (imageStatus) and $3 (tagStatus).
const IMAGE_STATUS_FILTER = `($2::text = 'ANY' OR ${IMAGE_STATUS} = $2)`;
const TAG_STATUS_FILTER = `($3::text = 'ANY' OR ($3 = 'TAGGED') = EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = m.id))`;

type ImageRow = ManifestRow & StateRow & { tag_names: string[]; reported_size: number };

function toImage(row: ImageRow): ImageRecord {
  return { ...toManifestSummary(row), ...toState(row), tags: row.tag_names, reportedSize: row.reported_size };
}

export class PostgresImageStore implements ImageStore {
  constructor(private readonly database: PostgresDatabase) {}

  async listImageIds(
    repositoryId: number,
    options: ImageFilter & { after?: ImageIdRecord; limit: number },
  ): Promise<Page<ImageIdRecord, ImageIdRecord>> {
    // One row per (image, tag), and one for an untagged image; the tag filter applies per row.
    const rows = await this.database.rows<ImageIdRow>(
      `SELECT m.digest, t.name AS tag FROM ${IMAGES} LEFT JOIN tags t ON t.manifest_id = m.id
       WHERE m.repository_id = $1 AND ${IMAGE_STATUS_FILTER}
         AND ($3::text = 'ANY' OR ($3 = 'TAGGED') = (t.name IS NOT NULL))
         AND (m.digest, COALESCE(t.name, '')) > ($4::text, $5::text)
       ORDER BY m.digest, COALESCE(t.name, '') LIMIT $6`,
      [repositoryId, options.imageStatus, options.tagStatus, options.after?.digest ?? '', options.after?.tag ?? '', rowsFor(options.limit)],
    );
    return pageOf(rows.map(toImageId), options.limit, (id) => id);
  }

  async listImages(repositoryId: number, options: ImageFilter & { after?: string; limit: number }): Promise<Page<ImageRecord>> {
    const rows = await this.database.rows<ImageRow>(
      `SELECT ${IMAGE_COLUMNS} FROM ${IMAGES}
       WHERE m.repository_id = $1 AND m.digest > $4 AND ${IMAGE_STATUS_FILTER} AND ${TAG_STATUS_FILTER}
       ORDER BY m.digest LIMIT $5`,
      [repositoryId, options.imageStatus, options.tagStatus, options.after ?? '', rowsFor(options.limit)],
    );
    return pageOf(rows.map(toImage), options.limit, (image) => image.digest);
  }

  async getImages(repositoryId: number, digests: readonly string[]): Promise<ImageRecord[]> {
    if (digests.length === 0) return [];
    const rows = await this.database.rows<ImageRow>(`SELECT ${IMAGE_COLUMNS} FROM ${IMAGES} WHERE m.repository_id = $1 AND m.digest = ANY($2::text[])`, [
      repositoryId,
      digests,
    ]);
    return rows.map(toImage);
  }

  async isBlobReferenced(repositoryId: number, digest: string): Promise<boolean> {
    const row = await this.database.row(
      `SELECT 1 AS found FROM manifest_blobs mb JOIN manifests m ON m.id = mb.manifest_id
       WHERE mb.digest = $1 AND m.repository_id = $2 LIMIT 1`,
      [digest, repositoryId],
    );
    return row !== undefined;
  }

  async untagImage(repositoryId: number, tag: string, events: (result: UntagResult) => OutboxEvent[]): Promise<UntagResult | undefined> {
    return this.database.transaction(async (tx) => {
      const removed = await tx.row<{ manifest_id: number }>('DELETE FROM tags WHERE repository_id = $1 AND name = $2 RETURNING manifest_id', [
        repositoryId,
        tag,
      ]);
      if (!removed) return undefined;
      // The image is locked before it is checked for other tags and indexes listing it: a push
      // tagging it or an index naming it holds a key-share lock on it, so this waits and then sees
      // them; a push that comes later waits for this transaction instead.
      const image = (await tx.row<{ digest: string }>('SELECT digest FROM manifests WHERE id = $1 FOR UPDATE', [removed.manifest_id]))!;
      const result: UntagResult = { digest: image.digest, imageDeleted: false };
      const kept = await tx.row(
        `SELECT 1 AS found WHERE EXISTS (SELECT 1 FROM tags WHERE manifest_id = $1)
           OR EXISTS (SELECT 1 FROM manifest_children c JOIN manifests p ON p.id = c.manifest_id WHERE c.child_digest = $2 AND p.repository_id = $3)`,
        [removed.manifest_id, image.digest, repositoryId],
      );
      if (!kept) {
        await tx.run('DELETE FROM manifests WHERE id = $1', [removed.manifest_id]);
        result.imageDeleted = true;
      }
      await insertEvents(tx, events(result));
      return result;
    });
  }
}
