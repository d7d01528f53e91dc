import type { ImageIdRecord, TagStatus } from '../image-store.js';
import type { SqliteDatabase } from './database.js';

/**
 * One page of ListImages' (digest, tag) pairs, in (digest, tag) order after `after`; with
 * `imageStatus`, only images in that storage status (ECR's imageStatus filter; images without a
 * storage row are ACTIVE).
 */
export function imageIdPage(
  database: SqliteDatabase,
  repositoryId: number,
  options: { tagStatus: TagStatus; imageStatus?: string; after?: ImageIdRecord; limit: number },
): { items: ImageIdRecord[]; more: boolean } {
  const rows = database
    .stmt(
      `SELECT m.digest, t.name AS tag FROM manifests m LEFT JOIN tags t ON t.manifest_id = m.id
       WHERE m.repository_id = @repository
         AND (@imageStatus IS NULL
              OR COALESCE((SELECT s.status FROM image_storage s WHERE s.manifest_id = m.id), 'ACTIVE') = @imageStatus)
         AND (@tagStatus = 'ANY' OR (@tagStatus = 'TAGGED') = (t.name IS NOT NULL))
         AND (m.digest, COALESCE(t.name, '')) > (@afterDigest, @afterTag)
       ORDER BY m.digest, COALESCE(t.name, '') LIMIT @limit`,
    )
    .all({
      repository: repositoryId,
      imageStatus: options.imageStatus ?? null,
      tagStatus: options.tagStatus,
      afterDigest: options.after?.digest ?? '',
      afterTag: options.after?.tag ?? '',
      limit: options.limit + 1,
    }) as { digest: string; tag: string | null }[];
  const items = rows.slice(0, options.limit).map((r) => (r.tag === null ? { digest: r.digest } : { digest: r.digest, tag: r.tag }));
  return { items, more: rows.length > options.limit };
}
