import { type EventOf, type PayloadOf, outboxEvent } from '../domain/events/index.js';
import { RegistryEvent } from '../domain/events/registry.js';
import type { RepositoryRecord } from '../metadata/registry-store.js';
import type { Actor } from '../audit/actor.js';

export { RegistryEvent };

export type RegistryEventType = (typeof RegistryEvent)[keyof typeof RegistryEvent];

/** What an event of this type says besides the repository and the actor. */
export type RegistryEventDetail<T extends RegistryEventType> = Omit<PayloadOf<T>, 'repositoryName' | 'actor'>;

/** An event about a repository; the actor (request principal or system job) rides along so audit records name who did it. */
export function registryEvent<T extends RegistryEventType>(
  type: T,
  repository: Pick<RepositoryRecord, 'accountId' | 'name'>,
  occurredAt: Date,
  actor: Actor,
  detail: RegistryEventDetail<T>,
): EventOf<T> {
  const fields = { accountId: repository.accountId, occurredAt, payload: { repositoryName: repository.name, actor, ...detail } };
  return outboxEvent(type, fields as unknown as Omit<EventOf<T>, 'type'>);
}
