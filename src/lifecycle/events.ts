import type { Actor } from '../audit/actor.js';
import { type EventOf, type PayloadOf, outboxEvent } from '../domain/events/index.js';
import { LifecycleEvent } from '../domain/events/lifecycle.js';
import type { RepositoryRecord } from '../metadata/registry-store.js';

/**
 * Outbox events of the lifecycle module (declared in src/domain/events/lifecycle.ts). Each carries
 * its actor and the ECR action it stands for, so src/audit/event-sink.ts records it without a
 * lookup.
 */
export { LifecycleEvent };

export type LifecycleEventType = (typeof LifecycleEvent)[keyof typeof LifecycleEvent];

/** The system actor lifecycle runs and restore completions act as. */
export const LIFECYCLE_ACTOR = 'berth:lifecycle';
/** ECR's CloudTrail event name for actions taken by lifecycle policy rules. */
export const POLICY_EXECUTION_ACTION = 'ecr:PolicyExecutionEvent';
export const UPDATE_STORAGE_CLASS_ACTION = 'ecr:UpdateImageStorageClass';

export function lifecycleEvent<T extends LifecycleEventType>(
  type: T,
  repository: Pick<RepositoryRecord, 'accountId' | 'name'>,
  occurredAt: Date,
  action: string,
  actor: Actor,
  detail: Omit<PayloadOf<T>, 'repositoryName' | 'actor' | 'action'>,
): EventOf<T> {
  const fields = { accountId: repository.accountId, occurredAt, payload: { repositoryName: repository.name, actor, action, ...detail } };
  return outboxEvent(type, fields as unknown as Omit<EventOf<T>, 'type'>);
}
