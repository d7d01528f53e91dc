import { AuditLog } from '../../audit/audit-log.js';
import { auditSubscription } from '../../audit/event-sink.js';
import { installRequestAudit } from '../../api/audit-hook.js';
import type { BerthModule, ModuleContext } from '../module.js';

/**
 * The audit log: a record per ECR call and per /v2 change or refusal (a response hook, buffered),
 * and one per outbox event (a subscriber from the beginning of the log, never lost).
 */
export function auditModule({ core }: ModuleContext): BerthModule<AuditLog> {
  const audit = new AuditLog(core.store.audit, core.log.child({ component: 'audit' }));
  return {
    name: 'audit',
    service: audit,
    subscriptions: [auditSubscription(core.store.audit)],
    routes: [(server) => installRequestAudit(server, audit)],
    close: () => audit.flush(),
  };
}
