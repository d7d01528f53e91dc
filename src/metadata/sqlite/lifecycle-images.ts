import type { ImageStatus, ImageStorageState } from '../image-store.js';
import type { ImageStatusChange, ImageStatusChangeResult, LifecycleImageRecord } from '../lifecycle-store.js';
import type { SqliteDatabase } from './database.js';
import { insertEvents } from './event-store.js';
import { type StateRow, toState } from '../rows.js';
import { IMAGE_STATUS, STATE_COLUMNS, storageOf } from './image-store.js';

/**
 * The image side of the lifecycle store: storage state changes (image_storage, no row = ACTIVE)
 * and the evaluation snapshot. The state is read as image-store.ts reads it everywhere.
 */

const NO_STRINGS: readonly string[] = Object.freeze([]);

// CROSS JOIN fixes the join order (SQLite never reorders it): look the child up in
// manifest_children_by_child first, then its index by primary key. Left to the planner (no ANALYZE
// statistics), it scans every manifest of the repository per image instead: quadratic.
//
// Tags and referencing indexes come back space-separated: neither a tag nor a digest can contain a
// space, and splitting is several times cheaper than JSON.parse at 100k rows.
const LOAD_IMAGES = `
  SELECT m.digest, m.pushed_at, m.last_pulled_at, ${STATE_COLUMNS},
    (SELECT group_concat(name, ' ') FROM (SELECT name FROM tags WHERE manifest_id = m.id ORDER BY name)) AS tags,
    (SELECT group_concat(p.digest, ' ') FROM manifest_children c CROSS JOIN manifests p ON p.id = c.manifest_id
      WHERE c.child_digest = m.digest AND p.repository_id = m.repository_id) AS parents
  FROM manifests m ${storageOf('m')}
  WHERE m.repository_id = ?`;

interface ImageRow extends StateRow {
  digest: string;
  pushed_at: number;
  last_pulled_at: number | null;
  tags: string | null;
  parents: string | null;
}

/** One streaming pass over the repository's manifests (rows are not buffered by the driver). */
export function loadImages(database: SqliteDatabase, repositoryId: number): LifecycleImageRecord[] {
  const images: LifecycleImageRecord[] = [];
  for (const row of database.stmt(LOAD_IMAGES).iterate(repositoryId) as IterableIterator<ImageRow>) {
    const image: LifecycleImageRecord = {
      digest: row.digest,
      tags: row.tags === null ? NO_STRINGS : row.tags.split(' '),
      pushedAt: new Date(row.pushed_at),
      status: row.status,
    };
    if (row.last_pulled_at !== null) image.lastPulledAt = new Date(row.last_pulled_at);
    if (row.last_archived_at !== null) image.lastArchivedAt = new Date(row.last_archived_at);
    if (row.last_activated_at !== null) image.lastActivatedAt = new Date(row.last_activated_at);
    if (row.parents !== null) image.referencedBy = row.parents.split(' ');
    images.push(image);
  }
  return images;
}

export function imageStates(database: SqliteDatabase, repositoryId: number, digests: readonly string[]): Map<string, ImageStorageState> {
  const states = new Map<string, ImageStorageState>();
  if (digests.length === 0) return states;
  const rows = database
    .stmt(
      `SELECT m.digest, ${STATE_COLUMNS} FROM manifests m ${storageOf('m')}
       WHERE m.repository_id = ? AND m.digest IN (SELECT value FROM json_each(?))`,
    )
    .all(repositoryId, JSON.stringify(digests)) as (StateRow & { digest: string })[];
  for (const row of rows) states.set(row.digest, toState(row));
  return states;
}

export function referencingIndexes(database: SqliteDatabase, repositoryId: number, digest: string): { digest: string; status: ImageStatus }[] {
  const rows = database
    .stmt(
      `SELECT p.digest, ${IMAGE_STATUS} AS status
       FROM manifest_children c CROSS JOIN manifests p ON p.id = c.manifest_id ${storageOf('p')}
       WHERE c.child_digest = ? AND p.repository_id = ? ORDER BY p.digest`,
    )
    .all(digest, repositoryId) as { digest: string; status: ImageStatus }[];
  return rows;
}

export function changeImageStatus(
  database: SqliteDatabase,
  repositoryId: number,
  digest: string,
  change: ImageStatusChange,
): ImageStatusChangeResult | undefined {
  return database.write(() => {
    const row = database
      .stmt(
        `SELECT m.id, ${STATE_COLUMNS} FROM manifests m ${storageOf('m')}
         WHERE m.repository_id = ? AND m.digest = ?`,
      )
      .get(repositoryId, digest) as (StateRow & { id: number }) | undefined;
    if (!row) return undefined;
    const current = toState(row);
    if (!change.from.includes(current.status)) return { previous: current.status, state: current, changed: false };

    const at = change.at.getTime();
    const archivedAt = change.to === 'ARCHIVED' ? at : row.last_archived_at;
    // Becoming ACTIVE again is a restore (from ACTIVATING, or straight from ARCHIVED on a re-push).
    const activatedAt = change.to === 'ACTIVE' ? at : row.last_activated_at;
    database
      .stmt(
        `INSERT INTO image_storage (manifest_id, status, last_archived_at, last_activated_at, status_changed_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(manifest_id) DO UPDATE SET status = excluded.status, last_archived_at = excluded.last_archived_at,
           last_activated_at = excluded.last_activated_at, status_changed_at = excluded.status_changed_at`,
      )
      .run(row.id, change.to, archivedAt, activatedAt, at);
    const state = toState({ status: change.to, last_archived_at: archivedAt, last_activated_at: activatedAt });
    insertEvents(database, change.events(state));
    return { previous: current.status, state, changed: true };
  });
}
