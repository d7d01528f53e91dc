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
import type { SqliteDatabase } from './database.js';
import * as images from './lifecycle-images.js';

export class SqliteLifecycleStore implements LifecycleStore {
  constructor(private readonly database: SqliteDatabase) {}

  // ---- policies ----

  async getPolicy(repositoryId: number): Promise<LifecyclePolicyRecord | undefined> {
    const row = this.database.stmt('SELECT * FROM lifecycle_policies WHERE repository_id = ?').get(repositoryId) as LifecyclePolicyRow | undefined;
    return row && toLifecyclePolicy(row);
  }

  async putPolicy(repositoryId: number, text: string, now: Date): Promise<LifecyclePolicyRecord> {
    const row = this.database
      .stmt(
        `INSERT INTO lifecycle_policies (repository_id, policy_text, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(repository_id) DO UPDATE SET policy_text = excluded.policy_text, updated_at = excluded.updated_at
         RETURNING *`,
      )
      .get(repositoryId, text, now.getTime()) as LifecyclePolicyRow;
    return toLifecyclePolicy(row);
  }

  async deletePolicy(repositoryId: number): Promise<LifecyclePolicyRecord | undefined> {
    const row = this.database.stmt('DELETE FROM lifecycle_policies WHERE repository_id = ? RETURNING *').get(repositoryId) as LifecyclePolicyRow | undefined;
    return row && toLifecyclePolicy(row);
  }

  async recordEvaluation(repositoryId: number, at: Date): Promise<void> {
    this.database.stmt('UPDATE lifecycle_policies SET last_evaluated_at = ? WHERE repository_id = ?').run(at.getTime(), repositoryId);
  }

  async listPolicies(options: { after?: number; limit: number }): Promise<LifecyclePolicyRecord[]> {
    const rows = this.database
      .stmt('SELECT * FROM lifecycle_policies WHERE repository_id > ? ORDER BY repository_id LIMIT ?')
      .all(options.after ?? 0, options.limit) as LifecyclePolicyRow[];
    return rows.map(toLifecyclePolicy);
  }

  // ---- previews ----

  async beginPreview(repositoryId: number, text: string, now: Date, staleBefore: Date): Promise<LifecyclePreviewRecord> {
    return this.database.write(() => {
      const current = this.database
        .stmt(`SELECT started_at FROM lifecycle_previews WHERE repository_id = ? AND status = 'IN_PROGRESS'`)
        .get(repositoryId) as { started_at: number } | undefined;
      if (current && current.started_at >= staleBefore.getTime()) {
        throw lifecyclePreviewInProgress();
      }
      // The cascade drops the previous preview's results with it.
      this.database.stmt('DELETE FROM lifecycle_previews WHERE repository_id = ?').run(repositoryId);
      const row = this.database
        .stmt(`INSERT INTO lifecycle_previews (repository_id, policy_text, status, started_at) VALUES (?, ?, 'IN_PROGRESS', ?) RETURNING *`)
        .get(repositoryId, text, now.getTime()) as PreviewRow;
      return toPreview(row);
    });
  }

  async completePreview(previewId: number, results: readonly LifecyclePreviewResultRecord[], now: Date): Promise<boolean> {
    return this.database.write(() => {
      const { expiring, transitioning } = previewTotals(results);
      const updated = this.database
        .stmt(
          `UPDATE lifecycle_previews SET status = 'COMPLETE', completed_at = ?, expiring_count = ?, transitioning_count = ?
           WHERE id = ? AND status = 'IN_PROGRESS'`,
        )
        .run(now.getTime(), expiring, transitioning, previewId);
      if (updated.changes === 0) return false;
      const insert = this.database.stmt(
        `INSERT INTO lifecycle_preview_results (preview_id, position, image_digest, image_tags, tagged, image_pushed_at,
           storage_class, applied_rule_priority, action) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      results.forEach((r, position) => {
        insert.run(
          previewId,
          position,
          r.imageDigest,
          JSON.stringify(r.imageTags),
          r.imageTags.length > 0 ? 1 : 0,
          r.imagePushedAt.getTime(),
          r.storageClass,
          r.appliedRulePriority,
          r.action,
        );
      });
      return true;
    });
  }

  async failPreview(previewId: number, failure: string, now: Date): Promise<void> {
    this.database
      .stmt(`UPDATE lifecycle_previews SET status = 'FAILED', completed_at = ?, failure = ? WHERE id = ? AND status = 'IN_PROGRESS'`)
      .run(now.getTime(), failure, previewId);
  }

  async getPreview(repositoryId: number): Promise<LifecyclePreviewRecord | undefined> {
    const row = this.database.stmt('SELECT * FROM lifecycle_previews WHERE repository_id = ?').get(repositoryId) as PreviewRow | undefined;
    return row && toPreview(row);
  }

  async getPreviewById(previewId: number): Promise<LifecyclePreviewRecord | undefined> {
    const row = this.database.stmt('SELECT * FROM lifecycle_previews WHERE id = ?').get(previewId) as PreviewRow | undefined;
    return row && toPreview(row);
  }

  async listPreviewResults(
    previewId: number,
    options: { tagStatus?: TagStatus; digests?: readonly string[]; tags?: readonly string[]; after?: number; limit: number },
  ): Promise<Page<LifecyclePreviewResultRecord & { position: number }, number>> {
    const named = options.digests !== undefined || options.tags !== undefined;
    const rows = this.database
      .stmt(
        `SELECT ${PREVIEW_RESULT_COLUMNS}
         FROM lifecycle_preview_results r
         WHERE preview_id = @preview AND position > @after
           AND (@tagStatus = 'ANY' OR (@tagStatus = 'TAGGED') = (tagged = 1))
           AND (@named = 0 OR image_digest IN (SELECT value FROM json_each(@digests))
                OR EXISTS (SELECT 1 FROM json_each(r.image_tags) t WHERE t.value IN (SELECT value FROM json_each(@tags))))
         ORDER BY position LIMIT @limit`,
      )
      .all({
        preview: previewId,
        after: options.after ?? -1,
        tagStatus: options.tagStatus ?? 'ANY',
        named: named ? 1 : 0,
        digests: JSON.stringify(options.digests ?? []),
        tags: JSON.stringify(options.tags ?? []),
        limit: rowsFor(options.limit),
      }) as PreviewResultRow[];
    const results = rows.map(toPreviewResult);
    return pageOf(results, options.limit, (result) => result.position);
  }

  // ---- images ----

  async loadImages(repositoryId: number): Promise<LifecycleImageRecord[]> {
    return images.loadImages(this.database, repositoryId);
  }

  async imageStates(repositoryId: number, digests: readonly string[]): Promise<Map<string, ImageStorageState>> {
    return images.imageStates(this.database, repositoryId, digests);
  }

  async referencingIndexes(repositoryId: number, digest: string): Promise<{ digest: string; status: ImageStatus }[]> {
    return images.referencingIndexes(this.database, repositoryId, digest);
  }

  async changeImageStatus(repositoryId: number, digest: string, change: ImageStatusChange): Promise<ImageStatusChangeResult | undefined> {
    return images.changeImageStatus(this.database, repositoryId, digest, change);
  }
}
