import type { ImageStatus, ImageStorageState } from '../image-store.js';
import { type LifecycleImageRow, changedStorage, toLifecycleImage } from '../lifecycle-rows.js';
import type { ImageStatusChange, ImageStatusChangeResult, LifecycleImageRecord } from '../lifecycle-store.js';
import { type StateRow, toState } from '../rows.js';
import type { PostgresDatabase } from './database.js';
import { insertEvents } from './event-store.js';
import { IMAGE_STATUS, STATE_COLUMNS, storageOf } from './image-store.js';

/**
 * The image side of the lifecycle store on PostgreSQL (see sqlite/lifecycle-images.ts): the
 * evaluation snapshot in one query, and storage state changes under the image's row lock.
 */

const NO_STRINGS: readonly string[] = Object.freeze([]);

const LOAD_IMAGES = `
  SELECT m.digest, m.pushed_at, m.last_pulled_at, ${STATE_COLUMNS},
    ARRAY(SELECT name FROM tags WHERE manifest_id = m.id ORDER BY name) AS tags,
    ARRAY(SELECT p.digest FROM manifest_children c JOIN manifests p ON p.id = c.manifest_id
          WHERE c.child_digest = m.digest AND p.repository_id = m.repository_id ORDER BY p.digest) AS parents
  FROM manifests m ${storageOf('m')}
  WHERE m.repository_id = $1`;

type ImageRow = LifecycleImageRow & { tags: string[]; parents: string[] };

export async function loadImages(database: PostgresDatabase, repositoryId: number): Promise<LifecycleImageRecord[]> {
  const rows = await database.rows<ImageRow>(LOAD_IMAGES, [repositoryId]);
  return rows.map((row) => toLifecycleImage(row, row.tags.length > 0 ? row.tags : NO_STRINGS, row.parents.length > 0 ? row.parents : undefined));
}

export async function imageStates(database: PostgresDatabase, repositoryId: number, digests: readonly string[]): Promise<Map<string, ImageStorageState>> {
  const states = new Map<string, ImageStorageState>();
  if (digests.length === 0) return states;
  const rows = await database.rows<StateRow & { digest: string }>(
    `SELECT m.digest, ${STATE_COLUMNS} FROM manifests m ${storageOf('m')} WHERE m.repository_id = $1 AND m.digest = ANY($2::text[])`,
    [repositoryId, digests],
  );
  for (const row of rows) states.set(row.digest, toState(row));
  return states;
}

export function referencingIndexes(database: PostgresDatabase, repositoryId: number, digest: string): Promise<{ digest: string; status: ImageStatus }[]> {
  return database.rows<{ digest: string; status: ImageStatus }>(
    `SELECT p.digest, ${IMAGE_STATUS} AS status
     FROM manifest_children c JOIN manifests p ON p.id = c.manifest_id ${storageOf('p')}
     WHERE c.child_digest = $1 AND p.repository_id = $2 ORDER BY p.digest`,
    [digest, repositoryId],
  );
}

/**
 * The image's manifest row is locked before its state is read (in a later statement, so a change
 * that committed while the lock was awaited is seen): changes of one image take turns, and only
 * one of several racing moves out of the same status applies. A manifest delete locks the same
 * row, so a change either lands before it or finds no image.
 */
export function changeImageStatus(
  database: PostgresDatabase,
  repositoryId: number,
  digest: string,
  change: ImageStatusChange,
): Promise<ImageStatusChangeResult | undefined> {
  return database.transaction(async (tx) => {
    const image = await tx.row<{ id: number }>('SELECT id FROM manifests WHERE repository_id = $1 AND digest = $2 FOR NO KEY UPDATE', [repositoryId, digest]);
    if (!image) return undefined;
    const row = (await tx.row<StateRow>(`SELECT ${STATE_COLUMNS} FROM manifests m ${storageOf('m')} WHERE m.id = $1`, [image.id]))!;
    const current = toState(row);
    if (!change.from.includes(current.status)) return { previous: current.status, state: current, changed: false };

    const next = changedStorage(row, change);
    await tx.run(
      `INSERT INTO image_storage (manifest_id, status, last_archived_at, last_activated_at, status_changed_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (manifest_id) DO UPDATE SET status = excluded.status, last_archived_at = excluded.last_archived_at,
         last_activated_at = excluded.last_activated_at, status_changed_at = excluded.status_changed_at`,
      [image.id, next.status, next.last_archived_at, next.last_activated_at, change.at.getTime()],
    );
    const state = toState(next);
    await insertEvents(tx, change.events(state));
    return { previous: current.status, state, changed: true };
  });
}
