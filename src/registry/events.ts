import type { OutboxEvent } from '../metadata/event-store.js';
import type { RepositoryRecord } from '../metadata/registry-store.js';
import type { Actor } from '../audit/actor.js';

/** Event types the registry writes to the outbox; its subscribers (the audit log, scanning) read them. */
export const RegistryEvent = {
  RepositoryCreated: 'repository.created',
  RepositoryDeleted: 'repository.deleted',
  ImagePushed: 'image.pushed',
  ImageDeleted: 'image.deleted',
  TagDeleted: 'tag.deleted',
} as const;

export function registryEvent(
  type: (typeof RegistryEvent)[keyof typeof RegistryEvent],
  repository: Pick<RepositoryRecord, 'accountId' | 'name'>,
  occurredAt: Date,
  actor: Actor,
  detail: Record<string, unknown> = {},
): OutboxEvent {
  return {
    type,
    accountId: repository.accountId,
    occurredAt,
    // The actor (request principal or system job) rides along so audit records name who did it.
    payload: { repositoryName: repository.name, actor, ...detail },
  };
}
