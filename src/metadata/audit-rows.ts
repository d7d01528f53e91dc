import type { AuditEntry, StoredAuditEntry } from './audit-store.js';

/** The audit log's rows and their records, shared by both engines (see rows.ts). */
export interface AuditRow {
  id: number;
  at: number;
  account_id: string | null;
  actor: string;
  action: string;
  resource: string | null;
  outcome: AuditEntry['outcome'];
  source_ip: string | null;
  request_id: string | null;
  event_id: number | null;
  detail: string | null;
}

export function toAuditEntry(row: AuditRow): StoredAuditEntry {
  const entry: StoredAuditEntry = { id: row.id, at: new Date(row.at), actor: row.actor, action: row.action, outcome: row.outcome };
  if (row.account_id !== null) entry.accountId = row.account_id;
  if (row.resource !== null) entry.resource = row.resource;
  if (row.source_ip !== null) entry.sourceIp = row.source_ip;
  if (row.request_id !== null) entry.requestId = row.request_id;
  if (row.event_id !== null) entry.eventId = row.event_id;
  if (row.detail !== null) entry.detail = JSON.parse(row.detail);
  return entry;
}

/** An entry's column values in AUDIT_COLUMNS order. */
export function auditValues(e: AuditEntry): unknown[] {
  return [
    e.at.getTime(),
    e.accountId ?? null,
    e.actor,
    e.action,
    e.resource ?? null,
    e.outcome,
    e.sourceIp ?? null,
    e.requestId ?? null,
    e.eventId ?? null,
    e.detail ? JSON.stringify(e.detail) : null,
  ];
}

export const AUDIT_COLUMNS = 'at, account_id, actor, action, resource, outcome, source_ip, request_id, event_id, detail';
