/** One audit record: who did what to which resource, and how it ended. */
export interface AuditEntry {
  at: Date;
  accountId?: string;
  /** ARN of the caller, `anonymous`, or a system actor such as `berth:lifecycle`. */
  actor: string;
  /** The action in ECR terms (`ecr:PutImage`, `ecr:BatchDeleteImage`, …). */
  action: string;
  /** ARN or name of the resource acted on. */
  resource?: string;
  outcome: 'allowed' | 'denied' | 'succeeded' | 'failed';
  sourceIp?: string;
  requestId?: string;
  /** The outbox event this record came from (records from events are written at most once). */
  eventId?: number;
  detail?: Record<string, unknown>;
}

export interface StoredAuditEntry extends AuditEntry {
  id: number;
}

export interface AuditStore {
  append(entries: AuditEntry[]): Promise<void>;
  /**
   * Newest first; `beforeId` pages backwards. Ids become visible in increasing order on every
   * engine, so a reader paging down from what it saw never misses a record that commits later.
   */
  list(options: {
    accountId?: string;
    action?: string;
    since?: Date;
    beforeId?: number;
    limit: number;
  }): Promise<StoredAuditEntry[]>;
}
