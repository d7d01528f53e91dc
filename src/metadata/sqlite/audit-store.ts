import type { Migration } from '../migration.js';
import { AUDIT_COLUMNS, type AuditRow, auditValues, toAuditEntry } from '../audit-rows.js';
import type { AuditEntry, AuditStore, StoredAuditEntry } from '../audit-store.js';
import type { SqliteDatabase } from './database.js';

export const auditMigrations: Migration[] = [
  {
    id: 'audit/001-log',
    sqlite: `
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        account_id TEXT,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        resource TEXT,
        outcome TEXT NOT NULL,
        source_ip TEXT,
        request_id TEXT,
        event_id INTEGER UNIQUE,
        detail TEXT
      );
      CREATE INDEX audit_log_by_account ON audit_log(account_id, id);
    `,
  },
];

export class SqliteAuditStore implements AuditStore {
  constructor(private readonly database: SqliteDatabase) {}

  async append(entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    this.database.write(() => {
      // An entry derived from an outbox event may be delivered twice; the unique event id keeps one.
      const insert = this.database.stmt(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(event_id) DO NOTHING`);
      for (const e of entries) insert.run(...auditValues(e));
    });
  }

  async list(options: {
    accountId?: string;
    action?: string;
    since?: Date;
    beforeId?: number;
    limit: number;
  }): Promise<StoredAuditEntry[]> {
    const rows = this.database
      .stmt(
        `SELECT * FROM audit_log
         WHERE (@account IS NULL OR account_id = @account) AND (@action IS NULL OR action = @action)
           AND (@since IS NULL OR at >= @since) AND (@before IS NULL OR id < @before)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({
        account: options.accountId ?? null,
        action: options.action ?? null,
        since: options.since?.getTime() ?? null,
        before: options.beforeId ?? null,
        limit: options.limit,
      }) as AuditRow[];
    return rows.map(toAuditEntry);
  }
}
