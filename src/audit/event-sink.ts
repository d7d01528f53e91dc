import type { StoredEvent } from '../metadata/event-store.js';
import type { AuditEntry, AuditStore } from '../metadata/audit-store.js';

/**
 * Turns outbox events into audit records. Events carry their actor (`actor` in the payload, set
 * by whoever caused the change: a request's principal ARN or a system actor like
 * `berth:lifecycle`) and the ECR action they correspond to.
 */
const ACTIONS: Record<string, string> = {
  'repository.created': 'ecr:CreateRepository',
  'repository.deleted': 'ecr:DeleteRepository',
  'image.pushed': 'ecr:PutImage',
  'image.deleted': 'ecr:BatchDeleteImage',
  'tag.deleted': 'ecr:BatchDeleteImage',
  // Lifecycle (src/lifecycle/events.ts): rule actions are ECR's CloudTrail PolicyExecutionEvent.
  'lifecycle.image.expired': 'ecr:PolicyExecutionEvent',
  'lifecycle.image.archived': 'ecr:PolicyExecutionEvent',
  'image.archived': 'ecr:UpdateImageStorageClass',
  'image.restore.started': 'ecr:UpdateImageStorageClass',
  'image.restored': 'ecr:UpdateImageStorageClass',
};

export function auditEntryFor(event: StoredEvent): AuditEntry {
  const payload = event.payload;
  const entry: AuditEntry = {
    at: event.occurredAt,
    actor: typeof payload.actor === 'string' ? payload.actor : 'berth:system',
    action: typeof payload.action === 'string' ? payload.action : (ACTIONS[event.type] ?? `berth:${event.type}`),
    outcome: 'succeeded',
    eventId: event.id,
    detail: { event: event.type, ...payload },
  };
  if (event.accountId) entry.accountId = event.accountId;
  if (typeof payload.repositoryName === 'string') entry.resource = payload.repositoryName;
  return entry;
}

export function auditEventSink(store: AuditStore): (events: StoredEvent[]) => Promise<void> {
  return (events) => store.append(events.map(auditEntryFor));
}
