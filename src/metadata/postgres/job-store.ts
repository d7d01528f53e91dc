import type { JobRecord, JobStatus, JobStore, NewJob } from '../job-store.js';
import { type JobRow, toJob } from '../rows.js';
import type { PostgresDatabase, Sql } from './database.js';

const ACTIVE = `status IN ('queued', 'running')`;

/**
 * Queues a job unless one with its dedupe key is queued or running (then returns that one), inside
 * the caller's transaction so a job can be queued together with the change that calls for it. The
 * unique index on active dedupe keys decides between concurrent enqueuers.
 */
export async function insertJob(tx: Sql, job: NewJob, now: Date): Promise<JobRecord> {
  const values = [job.type, JSON.stringify(job.payload), job.dedupeKey ?? null, job.runAt.getTime(), now.getTime()];
  if (job.dedupeKey === undefined) {
    const row = await tx.row<JobRow>(
      `INSERT INTO jobs (type, payload, status, dedupe_key, run_at, created_at, updated_at)
       VALUES ($1, $2, 'queued', $3, $4, $5, $5) RETURNING *`,
      values,
    );
    return toJob(row!);
  }
  for (;;) {
    const inserted = await tx.row<JobRow>(
      `INSERT INTO jobs (type, payload, status, dedupe_key, run_at, created_at, updated_at)
       VALUES ($1, $2, 'queued', $3, $4, $5, $5)
       ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND ${ACTIVE} DO NOTHING RETURNING *`,
      values,
    );
    if (inserted) return toJob(inserted);
    // A new statement sees the conflicting job (ON CONFLICT waited for its transaction); it may
    // have settled since, and then the insert goes through on the next round.
    const existing = await tx.row<JobRow>(`SELECT * FROM jobs WHERE dedupe_key = $1 AND ${ACTIVE}`, [job.dedupeKey]);
    if (existing) return toJob(existing);
  }
}

export class PostgresJobStore implements JobStore {
  constructor(private readonly database: PostgresDatabase) {}

  async enqueue(job: NewJob, now: Date): Promise<JobRecord> {
    return this.database.transaction((tx) => insertJob(tx, job, now));
  }

  async claim(types: string[], owner: string, leaseMs: number, now: Date): Promise<JobRecord | undefined> {
    if (types.length === 0) return undefined;
    // SKIP LOCKED: concurrent claimers pass over each other's candidate instead of queueing on it,
    // and a candidate another claimer took meanwhile fails the re-checked WHERE and is skipped.
    const row = await this.database.row<JobRow>(
      `UPDATE jobs SET status = 'running', lease_owner = $2, lease_until = $3, attempts = attempts + 1, updated_at = $4
       WHERE id = (
         SELECT id FROM jobs WHERE type = ANY($1::text[]) AND ((status = 'queued' AND run_at <= $4) OR (status = 'running' AND lease_until < $4))
         ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
       ) RETURNING *`,
      [types, owner, now.getTime() + leaseMs, now.getTime()],
    );
    return row && toJob(row);
  }

  async renewLease(id: number, owner: string, leaseMs: number, now: Date): Promise<boolean> {
    const renewed = await this.database.run(
      `UPDATE jobs SET lease_until = $1, updated_at = $2 WHERE id = $3 AND lease_owner = $4 AND status = 'running'`,
      [now.getTime() + leaseMs, now.getTime(), id, owner],
    );
    return renewed === 1;
  }

  async complete(id: number, owner: string, result: Record<string, unknown>, now: Date): Promise<void> {
    await this.database.run(
      `UPDATE jobs SET status = 'succeeded', result = $1, lease_owner = NULL, lease_until = NULL, updated_at = $2
       WHERE id = $3 AND lease_owner = $4`,
      [JSON.stringify(result), now.getTime(), id, owner],
    );
  }

  async fail(id: number, owner: string, error: string, now: Date, retryAt?: Date): Promise<void> {
    await this.database.run(
      `UPDATE jobs SET status = $1, last_error = $2, run_at = COALESCE($3, run_at), lease_owner = NULL, lease_until = NULL,
         updated_at = $4 WHERE id = $5 AND lease_owner = $6`,
      [retryAt ? 'queued' : 'failed', error.slice(0, 4000), retryAt?.getTime() ?? null, now.getTime(), id, owner],
    );
  }

  async get(id: number): Promise<JobRecord | undefined> {
    const row = await this.database.row<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
    return row && toJob(row);
  }

  async list(options: { type?: string; status?: JobStatus; limit: number }): Promise<JobRecord[]> {
    const rows = await this.database.rows<JobRow>(
      `SELECT * FROM jobs WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR status = $2)
       ORDER BY id DESC LIMIT $3`,
      [options.type ?? null, options.status ?? null, options.limit],
    );
    return rows.map(toJob);
  }
}
