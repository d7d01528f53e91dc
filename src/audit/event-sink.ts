import type { DeliveredEvent, EventType } from '../domain/events/index.js';
import { defineSubscription } from '../events/subscription.js';
import type { AuditEntry, AuditStore } from '../metadata/audit-store.js';
import { SYSTEM_ACTOR } from './actor.js';

/**
 * Turns outbox events into audit records. Events carry their actor (`actor` in the payload, set
 * by whoever caused the change: a request's principal ARN or a system actor like
 * `berth:lifecycle`) and, when it is not the type's own, the ECR action they correspond to.
 */
const ACTIONS: Partial<Record<EventType, string>> = {
  'repository.created': 'ecr:CreateRepository',
  'repository.deleted': 'ecr:DeleteRepository',
  'image.pushed': 'ecr:PutImage',
  'image.deleted': 'ecr:BatchDeleteImage',
  'tag.deleted': 'ecr:BatchDeleteImage',
};

function auditEntryFor(event: DeliveredEvent): AuditEntry {
  const payload = event.payload;
  const entry: AuditEntry = {
    at: event.occurredAt,
    actor: 'actor' in payload ? payload.actor : SYSTEM_ACTOR,
    action: ('action' in payload ? payload.action : undefined) ?? ACTIONS[event.type] ?? `berth:${event.type}`,
    outcome: 'succeeded',
    eventId: event.id,
    detail: { event: event.type, ...payload },
  };
  if (event.accountId) entry.accountId = event.accountId;
  if ('repositoryName' in payload) entry.resource = payload.repositoryName;
  return entry;
}

/** The audit log's outbox subscriber: every event, from the beginning of the log. */
export function auditSubscription(store: AuditStore) {
  return defineSubscription({
    name: 'audit',
    batchSize: 500,
    startAt: 'beginning',
    handle: (events) => store.append(events.map(auditEntryFor)),
  });
}
