import type { Actor } from '../audit/actor.js';
import type { OutboxEvent } from '../metadata/event-store.js';
import type { RepositoryRecord } from '../metadata/registry-store.js';

/**
 * Outbox events of the lifecycle module. Each carries its actor and the ECR action it stands for,
 * so src/audit/event-sink.ts records it without a lookup: lifecycle runs act as `berth:lifecycle`
 * with ECR's CloudTrail event name for lifecycle actions, `PolicyExecutionEvent`; archive and
 * restore requests act as the caller with `ecr:UpdateImageStorageClass`.
 */
export const LifecycleEvent = {
  /** A lifecycle rule expired (deleted) an image; image.deleted is written in the same transaction. */
  Expired: 'lifecycle.image.expired',
  /** A lifecycle rule moved an image to the archive storage class. */
  Archived: 'lifecycle.image.archived',
  /** UpdateImageStorageClass moved an image to the archive storage class. */
  ImageArchived: 'image.archived',
  /** UpdateImageStorageClass asked for an archived image to be restored (status ACTIVATING). */
  RestoreStarted: 'image.restore.started',
  /** A restore completed: the image is ACTIVE and pullable again. */
  Restored: 'image.restored',
} as const;

export type LifecycleEventType = (typeof LifecycleEvent)[keyof typeof LifecycleEvent];

/** The system actor lifecycle runs and restore completions act as. */
export const LIFECYCLE_ACTOR = 'berth:lifecycle';
/** ECR's CloudTrail event name for actions taken by lifecycle policy rules. */
export const POLICY_EXECUTION_ACTION = 'ecr:PolicyExecutionEvent';
export const UPDATE_STORAGE_CLASS_ACTION = 'ecr:UpdateImageStorageClass';

export function lifecycleEvent(
  type: LifecycleEventType,
  repository: Pick<RepositoryRecord, 'accountId' | 'name'>,
  occurredAt: Date,
  action: string,
  actor: Actor,
  detail: Record<string, unknown>,
): OutboxEvent {
  return {
    type,
    accountId: repository.accountId,
    occurredAt,
    payload: { repositoryName: repository.name, actor, action, ...detail },
  };
}
