import { DomainError } from '../../domain/errors.js';
import type { ImageStatus, ImageStorageState, TagStatus } from '../image-store.js';
import type {
  ImageStatusChange,
  ImageStatusChangeResult,
  LifecycleImageRecord,
  LifecyclePolicyRecord,
  LifecyclePreviewRecord,
  LifecyclePreviewResultRecord,
  LifecyclePreviewStatus,
  LifecycleStore,
} from '../lifecycle-store.js';
import { type Page, pageOf, rowsFor } from '../page.js';
import type { SqliteDatabase } from './database.js';
import * as images from './lifecycle-images.js';

interface PolicyRow {
  repository_id: number;
  policy_text: string;
  updated_at: number;
  last_evaluated_at: number | null;
}

function toPolicy(row: PolicyRow): LifecyclePolicyRecord {
  const policy: LifecyclePolicyRecord = { repositoryId: row.repository_id, text: row.policy_text, updatedAt: new Date(row.updated_at) };
  if (row.last_evaluated_at !== null) policy.lastEvaluatedAt = new Date(row.last_evaluated_at);
  return policy;
}

interface PreviewRow {
  id: number;
  repository_id: number;
  policy_text: string;
  status: LifecyclePreviewStatus;
  started_at: number;
  completed_at: number | null;
  expiring_count: number | null;
  transitioning_count: number | null;
  failure: string | null;
}

function toPreview(row: PreviewRow): LifecyclePreviewRecord {
  const preview: LifecyclePreviewRecord = {
    id: row.id,
    repositoryId: row.repository_id,
    text: row.policy_text,
    status: row.status,
    startedAt: new Date(row.started_at),
  };
  if (row.completed_at !== null) preview.completedAt = new Date(row.completed_at);
  if (row.expiring_count !== null) preview.expiringCount = row.expiring_count;
  if (row.transitioning_count !== null) preview.transitioningCount = row.transitioning_count;
  if (row.failure !== null) preview.failure = row.failure;
  return preview;
}

interface ResultRow {
  position: number;
  image_digest: string;
  image_tags: string;
  image_pushed_at: number;
  storage_class: 'STANDARD' | 'ARCHIVE';
  applied_rule_priority: number;
  action: 'EXPIRE' | 'TRANSITION';
}

export class SqliteLifecycleStore implements LifecycleStore {
  constructor(private readonly database: SqliteDatabase) {}

  // ---- policies ----

  async getPolicy(repositoryId: number): Promise<LifecyclePolicyRecord | undefined> {
    const row = this.database.stmt('SELECT * FROM lifecycle_policies WHERE repository_id = ?').get(repositoryId) as PolicyRow | undefined;
    return row && toPolicy(row);
  }

  async putPolicy(repositoryId: number, text: string, now: Date): Promise<LifecyclePolicyRecord> {
    const row = this.database
      .stmt(
        `INSERT INTO lifecycle_policies (repository_id, policy_text, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(repository_id) DO UPDATE SET policy_text = excluded.policy_text, updated_at = excluded.updated_at
         RETURNING *`,
      )
      .get(repositoryId, text, now.getTime()) as PolicyRow;
    return toPolicy(row);
  }

  async deletePolicy(repositoryId: number): Promise<LifecyclePolicyRecord | undefined> {
    const row = this.database.stmt('DELETE FROM lifecycle_policies WHERE repository_id = ? RETURNING *').get(repositoryId) as PolicyRow | undefined;
    return row && toPolicy(row);
  }

  async recordEvaluation(repositoryId: number, at: Date): Promise<void> {
    this.database.stmt('UPDATE lifecycle_policies SET last_evaluated_at = ? WHERE repository_id = ?').run(at.getTime(), repositoryId);
  }

  async listPolicies(options: { after?: number; limit: number }): Promise<LifecyclePolicyRecord[]> {
    const rows = this.database
      .stmt('SELECT * FROM lifecycle_policies WHERE repository_id > ? ORDER BY repository_id LIMIT ?')
      .all(options.after ?? 0, options.limit) as PolicyRow[];
    return rows.map(toPolicy);
  }

  // ---- previews ----

  async beginPreview(repositoryId: number, text: string, now: Date, staleBefore: Date): Promise<LifecyclePreviewRecord> {
    return this.database.write(() => {
      const current = this.database
        .stmt(`SELECT started_at FROM lifecycle_previews WHERE repository_id = ? AND status = 'IN_PROGRESS'`)
        .get(repositoryId) as { started_at: number } | undefined;
      if (current && current.started_at >= staleBefore.getTime()) {
        throw new DomainError('LifecyclePolicyPreviewInProgress', 'The previous lifecycle policy preview request has not completed. Please try again later.');
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
      let expiring = 0;
      for (const r of results) if (r.action === 'EXPIRE') expiring++;
      const updated = this.database
        .stmt(
          `UPDATE lifecycle_previews SET status = 'COMPLETE', completed_at = ?, expiring_count = ?, transitioning_count = ?
           WHERE id = ? AND status = 'IN_PROGRESS'`,
        )
        .run(now.getTime(), expiring, results.length - expiring, previewId);
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
        `SELECT position, image_digest, image_tags, image_pushed_at, storage_class, applied_rule_priority, action
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
      }) as ResultRow[];
    const results = rows.map((row) => ({
      position: row.position,
      imageDigest: row.image_digest,
      imageTags: JSON.parse(row.image_tags) as string[],
      imagePushedAt: new Date(row.image_pushed_at),
      storageClass: row.storage_class,
      appliedRulePriority: row.applied_rule_priority,
      action: row.action,
    }));
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
