import { lifecyclePreviewInProgress } from '../../domain/errors.js';
import type { ImageStatus, ImageStorageState, TagStatus } from '../image-store.js';
import {
  type LifecyclePolicyRow,
  PREVIEW_RESULT_COLUMNS,
  type PreviewResultRow,
  type PreviewRow,
  previewTotals,
  toLifecyclePolicy,
  toPreview,
  toPreviewResult,
} from '../lifecycle-rows.js';
import type {
  ImageStatusChange,
  ImageStatusChangeResult,
  LifecycleImageRecord,
  LifecyclePolicyRecord,
  LifecyclePreviewRecord,
  LifecyclePreviewResultRecord,
  LifecycleStore,
} from '../lifecycle-store.js';
import { type Page, pageOf, rowsFor } from '../page.js';
import type { PostgresDatabase } from './database.js';
import { type Column, insertMany } from './insert-many.js';
import * as images from './lifecycle-images.js';

/** A preview's results as stored: in evaluation order (position), tagged when they have a tag. */
const resultColumns = (previewId: number): Column<LifecyclePreviewResultRecord>[] => [
  { name: 'preview_id', type: 'bigint', value: () => previewId },
  { name: 'position', type: 'int', value: (_, index) => index },
  { name: 'image_digest', type: 'text', value: (r) => r.imageDigest },
  { name: 'image_tags', type: 'text', value: (r) => JSON.stringify(r.imageTags) },
  { name: 'tagged', type: 'boolean', value: (r) => r.imageTags.length > 0 },
  { name: 'image_pushed_at', type: 'bigint', value: (r) => r.imagePushedAt.getTime() },
  { name: 'storage_class', type: 'text', value: (r) => r.storageClass },
  { name: 'applied_rule_priority', type: 'int', value: (r) => r.appliedRulePriority },
  { name: 'action', type: 'text', value: (r) => r.action },
];

/**
 * Lifecycle policies, previews and image storage states on PostgreSQL. One preview per repository
 * is kept by the unique repository_id of lifecycle_previews and by locking the current preview's
 * row before deciding whether a new one may start (beginPreview).
 */
export class PostgresLifecycleStore implements LifecycleStore {
  constructor(private readonly database: PostgresDatabase) {}

  // ---- policies ----

  async getPolicy(repositoryId: number): Promise<LifecyclePolicyRecord | undefined> {
    const row = await this.database.row<LifecyclePolicyRow>('SELECT * FROM lifecycle_policies WHERE repository_id = $1', [repositoryId]);
    return row && toLifecyclePolicy(row);
  }

  async putPolicy(repositoryId: number, text: string, now: Date): Promise<LifecyclePolicyRecord> {
    const row = await this.database.row<LifecyclePolicyRow>(
      `INSERT INTO lifecycle_policies (repository_id, policy_text, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (repository_id) DO UPDATE SET policy_text = excluded.policy_text, updated_at = excluded.updated_at
       RETURNING *`,
      [repositoryId, text, now.getTime()],
    );
    return toLifecyclePolicy(row!);
  }

  async deletePolicy(repositoryId: number): Promise<LifecyclePolicyRecord | undefined> {
    const row = await this.database.row<LifecyclePolicyRow>('DELETE FROM lifecycle_policies WHERE repository_id = $1 RETURNING *', [repositoryId]);
    return row && toLifecyclePolicy(row);
  }

  async recordEvaluation(repositoryId: number, at: Date): Promise<void> {
    await this.database.run('UPDATE lifecycle_policies SET last_evaluated_at = $1 WHERE repository_id = $2', [at.getTime(), repositoryId]);
  }

  async listPolicies(options: { after?: number; limit: number }): Promise<LifecyclePolicyRecord[]> {
    const rows = await this.database.rows<LifecyclePolicyRow>('SELECT * FROM lifecycle_policies WHERE repository_id > $1 ORDER BY repository_id LIMIT $2', [
      options.after ?? 0,
      options.limit,
    ]);
    return rows.map(toLifecyclePolicy);
  }

  // ---- previews ----

  async beginPreview(repositoryId: number, text: string, now: Date, staleBefore: Date): Promise<LifecyclePreviewRecord> {
    return this.database.transaction(async (tx) => {
      for (;;) {
        // The current preview is locked while it is judged and replaced; a racing begin waits here
        // and then finds the row gone (and inserts nothing, below) or the new one (and refuses).
        const current = await tx.row<Pick<PreviewRow, 'id' | 'status' | 'started_at'>>(
          'SELECT id, status, started_at FROM lifecycle_previews WHERE repository_id = $1 FOR UPDATE',
          [repositoryId],
        );
        if (current && current.status === 'IN_PROGRESS' && current.started_at >= staleBefore.getTime()) throw lifecyclePreviewInProgress();
        // The cascade drops the previous preview's results with it.
        if (current) await tx.run('DELETE FROM lifecycle_previews WHERE id = $1', [current.id]);
        // A concurrent first preview makes this wait for it and insert nothing; the next round sees it.
        const row = await tx.row<PreviewRow>(
          `INSERT INTO lifecycle_previews (repository_id, policy_text, status, started_at) VALUES ($1, $2, 'IN_PROGRESS', $3)
           ON CONFLICT (repository_id) DO NOTHING RETURNING *`,
          [repositoryId, text, now.getTime()],
        );
        if (row) return toPreview(row);
      }
    });
  }

  async completePreview(previewId: number, results: readonly LifecyclePreviewResultRecord[], now: Date): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      const { expiring, transitioning } = previewTotals(results);
      const updated = await tx.run(
        `UPDATE lifecycle_previews SET status = 'COMPLETE', completed_at = $1, expiring_count = $2, transitioning_count = $3
         WHERE id = $4 AND status = 'IN_PROGRESS'`,
        [now.getTime(), expiring, transitioning, previewId],
      );
      if (updated === 0) return false;
      await insertMany(tx, 'lifecycle_preview_results', resultColumns(previewId), results);
      return true;
    });
  }

  async failPreview(previewId: number, failure: string, now: Date): Promise<void> {
    await this.database.run(`UPDATE lifecycle_previews SET status = 'FAILED', completed_at = $1, failure = $2 WHERE id = $3 AND status = 'IN_PROGRESS'`, [
      now.getTime(),
      failure,
      previewId,
    ]);
  }

  async getPreview(repositoryId: number): Promise<LifecyclePreviewRecord | undefined> {
    const row = await this.database.row<PreviewRow>('SELECT * FROM lifecycle_previews WHERE repository_id = $1', [repositoryId]);
    return row && toPreview(row);
  }

  async getPreviewById(previewId: number): Promise<LifecyclePreviewRecord | undefined> {
    const row = await this.database.row<PreviewRow>('SELECT * FROM lifecycle_previews WHERE id = $1', [previewId]);
    return row && toPreview(row);
  }

  async listPreviewResults(
    previewId: number,
    options: { tagStatus?: TagStatus; digests?: readonly string[]; tags?: readonly string[]; after?: number; limit: number },
  ): Promise<Page<LifecyclePreviewResultRecord & { position: number }, number>> {
    const named = options.digests !== undefined || options.tags !== undefined;
    // A result is named by its digest, or by one of its tags (image_tags is a JSON array of strings).
    const rows = await this.database.rows<PreviewResultRow>(
      `SELECT ${PREVIEW_RESULT_COLUMNS} FROM lifecycle_preview_results
       WHERE preview_id = $1 AND position > $2
         AND ($3::text = 'ANY' OR ($3 = 'TAGGED') = tagged)
         AND (NOT $4::boolean OR image_digest = ANY($5::text[]) OR image_tags::jsonb ?| $6::text[])
       ORDER BY position LIMIT $7`,
      [previewId, options.after ?? -1, options.tagStatus ?? 'ANY', named, options.digests ?? [], options.tags ?? [], rowsFor(options.limit)],
    );
    return pageOf(rows.map(toPreviewResult), options.limit, (result) => result.position);
  }

  // ---- images ----

  loadImages(repositoryId: number): Promise<LifecycleImageRecord[]> {
    return images.loadImages(this.database, repositoryId);
  }

  imageStates(repositoryId: number, digests: readonly string[]): Promise<Map<string, ImageStorageState>> {
    return images.imageStates(this.database, repositoryId, digests);
  }

  referencingIndexes(repositoryId: number, digest: string): Promise<{ digest: string; status: ImageStatus }[]> {
    return images.referencingIndexes(this.database, repositoryId, digest);
  }

  changeImageStatus(repositoryId: number, digest: string, change: ImageStatusChange): Promise<ImageStatusChangeResult | undefined> {
    return images.changeImageStatus(this.database, repositoryId, digest, change);
  }
}
