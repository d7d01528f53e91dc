import type { JobRecord, JobStatus, JobStore, NewJob } from '../job-store.js';
import { type JobRow, toJob } from '../rows.js';
import type { SqliteDatabase } from './database.js';

/**
 * Queues a job unless one with its dedupe key is queued or running (then returns that one). Callers
 * run it inside their own write transaction, so a job can be queued together with the change that
 * calls for it.
 */
export function insertJob(database: SqliteDatabase, job: NewJob, now: Date): JobRecord {
  if (job.dedupeKey !== undefined) {
    const existing = database
      .stmt(`SELECT * FROM jobs WHERE dedupe_key = ? AND status IN ('queued', 'running')`)
      .get(job.dedupeKey) as JobRow | undefined;
    if (existing) return toJob(existing);
  }
  const row = database
    .stmt(
      `INSERT INTO jobs (type, payload, status, dedupe_key, run_at, created_at, updated_at)
       VALUES (?, ?, 'queued', ?, ?, ?, ?) RETURNING *`,
    )
    .get(job.type, JSON.stringify(job.payload), job.dedupeKey ?? null, job.runAt.getTime(), now.getTime(), now.getTime()) as JobRow;
  return toJob(row);
}

export class SqliteJobStore implements JobStore {
  constructor(private readonly database: SqliteDatabase) {}

  async enqueue(job: NewJob, now: Date): Promise<JobRecord> {
    return this.database.write(() => insertJob(this.database, job, now));
  }

  async claim(types: string[], owner: string, leaseMs: number, now: Date): Promise<JobRecord | undefined> {
    if (types.length === 0) return undefined;
    const t = now.getTime();
    return this.database.write(() => {
      const placeholders = types.map(() => '?').join(', ');
      const candidate = this.database
        .stmt(
          `SELECT id FROM jobs WHERE type IN (${placeholders}) AND (
             (status = 'queued' AND run_at <= ?) OR (status = 'running' AND lease_until < ?)
           ) ORDER BY run_at, id LIMIT 1`,
        )
        .get(...types, t, t) as { id: number } | undefined;
      if (!candidate) return undefined;
      const row = this.database
        .stmt(
          `UPDATE jobs SET status = 'running', lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
           WHERE id = ? RETURNING *`,
        )
        .get(owner, t + leaseMs, t, candidate.id) as JobRow;
      return toJob(row);
    });
  }

  async renewLease(id: number, owner: string, leaseMs: number, now: Date): Promise<boolean> {
    const result = this.database
      .stmt(
        `UPDATE jobs SET lease_until = ?, updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running'`,
      )
      .run(now.getTime() + leaseMs, now.getTime(), id, owner);
    return result.changes === 1;
  }

  async complete(id: number, owner: string, result: Record<string, unknown>, now: Date): Promise<void> {
    this.database
      .stmt(
        `UPDATE jobs SET status = 'succeeded', result = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?
         WHERE id = ? AND lease_owner = ?`,
      )
      .run(JSON.stringify(result), now.getTime(), id, owner);
  }

  async fail(id: number, owner: string, error: string, now: Date, retryAt?: Date): Promise<void> {
    this.database
      .stmt(
        `UPDATE jobs SET status = ?, last_error = ?, run_at = COALESCE(?, run_at), lease_owner = NULL, lease_until = NULL,
           updated_at = ? WHERE id = ? AND lease_owner = ?`,
      )
      .run(retryAt ? 'queued' : 'failed', error.slice(0, 4000), retryAt?.getTime() ?? null, now.getTime(), id, owner);
  }

  async get(id: number): Promise<JobRecord | undefined> {
    const row = this.database.stmt('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row && toJob(row);
  }

  async list(options: { type?: string; status?: JobStatus; limit: number }): Promise<JobRecord[]> {
    const rows = this.database
      .stmt(
        `SELECT * FROM jobs WHERE (@type IS NULL OR type = @type) AND (@status IS NULL OR status = @status)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({ type: options.type ?? null, status: options.status ?? null, limit: options.limit }) as JobRow[];
    return rows.map(toJob);
  }
}
