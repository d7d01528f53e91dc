import type {
  ImageStatusChange,
  LifecycleImageRecord,
  LifecyclePolicyRecord,
  LifecyclePreviewRecord,
  LifecyclePreviewResultRecord,
  LifecyclePreviewStatus,
} from './lifecycle-store.js';
import type { StateRow } from './rows.js';

/** The lifecycle tables' rows and their records, shared by both engines (see rows.ts). */

export interface LifecyclePolicyRow {
  repository_id: number;
  policy_text: string;
  updated_at: number;
  last_evaluated_at: number | null;
}

export function toLifecyclePolicy(row: LifecyclePolicyRow): LifecyclePolicyRecord {
  const policy: LifecyclePolicyRecord = { repositoryId: row.repository_id, text: row.policy_text, updatedAt: new Date(row.updated_at) };
  if (row.last_evaluated_at !== null) policy.lastEvaluatedAt = new Date(row.last_evaluated_at);
  return policy;
}

export interface PreviewRow {
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

export function toPreview(row: PreviewRow): LifecyclePreviewRecord {
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

/** The columns of a preview result as listed (the image's tags are a JSON array). */
export const PREVIEW_RESULT_COLUMNS = 'position, image_digest, image_tags, image_pushed_at, storage_class, applied_rule_priority, action';

export interface PreviewResultRow {
  position: number;
  image_digest: string;
  image_tags: string;
  image_pushed_at: number;
  storage_class: 'STANDARD' | 'ARCHIVE';
  applied_rule_priority: number;
  action: 'EXPIRE' | 'TRANSITION';
}

export const toPreviewResult = (row: PreviewResultRow): LifecyclePreviewResultRecord & { position: number } => ({
  position: row.position,
  imageDigest: row.image_digest,
  imageTags: JSON.parse(row.image_tags) as string[],
  imagePushedAt: new Date(row.image_pushed_at),
  storageClass: row.storage_class,
  appliedRulePriority: row.applied_rule_priority,
  action: row.action,
});

/** How many of a preview's results expire and how many transition (COMPLETE's totals). */
export function previewTotals(results: readonly LifecyclePreviewResultRecord[]): { expiring: number; transitioning: number } {
  let expiring = 0;
  for (const r of results) if (r.action === 'EXPIRE') expiring++;
  return { expiring, transitioning: results.length - expiring };
}

/** An image as the lifecycle snapshot query reads it, before its tags and parents are split. */
export interface LifecycleImageRow extends StateRow {
  digest: string;
  pushed_at: number;
  last_pulled_at: number | null;
}

/** `tags` in name order; `parents` are the indexes in the repository listing the image (none: undefined). */
export function toLifecycleImage(row: LifecycleImageRow, tags: readonly string[], parents: readonly string[] | undefined): LifecycleImageRecord {
  const image: LifecycleImageRecord = { digest: row.digest, tags, pushedAt: new Date(row.pushed_at), status: row.status };
  if (row.last_pulled_at !== null) image.lastPulledAt = new Date(row.last_pulled_at);
  if (row.last_archived_at !== null) image.lastArchivedAt = new Date(row.last_archived_at);
  if (row.last_activated_at !== null) image.lastActivatedAt = new Date(row.last_activated_at);
  if (parents !== undefined) image.referencedBy = parents;
  return image;
}

/**
 * The storage row an applied status change writes: the new status, stamped. Becoming ARCHIVED sets
 * the archive time; becoming ACTIVE again is a restore (from ACTIVATING, or straight from ARCHIVED
 * on a re-push) and sets the activation time.
 */
export function changedStorage(current: StateRow, change: ImageStatusChange): StateRow {
  const at = change.at.getTime();
  return {
    status: change.to,
    last_archived_at: change.to === 'ARCHIVED' ? at : current.last_archived_at,
    last_activated_at: change.to === 'ACTIVE' ? at : current.last_activated_at,
  };
}
