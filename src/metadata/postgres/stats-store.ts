import { type JobQueueRow, type JobQueueStats, type StatsStore, type UsageRow, type UsageSummary, jobQueueStats, usageSummary } from '../stats-store.js';
import type { PostgresDatabase } from './database.js';

// As sqlite/stats-store.ts; SUM over BIGINT is NUMERIC here (a string to pg), hence the casts.
const USAGE = `
  WITH blob_bytes AS (
    SELECT refs.repository_id, SUM(b.size)::bigint AS bytes
    FROM (SELECT DISTINCT m.repository_id, mb.digest FROM manifests m JOIN manifest_blobs mb ON mb.manifest_id = m.id) refs
    JOIN blobs b ON b.digest = refs.digest
    GROUP BY refs.repository_id
  ), manifest_totals AS (
    SELECT repository_id, COUNT(*) AS images, SUM(size)::bigint AS bytes FROM manifests GROUP BY repository_id
  ), per_repository AS (
    SELECT r.account_id, r.name, COALESCE(mt.images, 0) AS images, COALESCE(mt.bytes, 0) + COALESCE(bb.bytes, 0) AS bytes
    FROM repositories r
    LEFT JOIN manifest_totals mt ON mt.repository_id = r.id
    LEFT JOIN blob_bytes bb ON bb.repository_id = r.id
  )
  SELECT account_id, name, images, bytes,
    COUNT(*) OVER () AS all_repositories, (SUM(images) OVER ())::bigint AS all_images, (SUM(bytes) OVER ())::bigint AS all_bytes
  FROM per_repository
  ORDER BY bytes DESC, account_id, name
  LIMIT $1`;

const JOB_QUEUE = `
  SELECT type,
    COUNT(*) FILTER (WHERE status = 'queued' AND run_at <= $1) AS due,
    COUNT(*) FILTER (WHERE status = 'queued' AND run_at > $1) AS scheduled,
    COUNT(*) FILTER (WHERE status = 'running') AS running,
    MIN(run_at) FILTER (WHERE status = 'queued' AND run_at <= $1) AS oldest_due
  FROM jobs WHERE status IN ('queued', 'running')
  GROUP BY type ORDER BY type`;

export class PostgresStatsStore implements StatsStore {
  constructor(private readonly database: PostgresDatabase) {}

  async repositoryUsage(top: number): Promise<UsageSummary> {
    return usageSummary(await this.database.rows<UsageRow>(USAGE, [Math.max(1, top)]), top);
  }

  async blobTotals(): Promise<{ blobs: number; bytes: number }> {
    return (await this.database.row<{ blobs: number; bytes: number }>('SELECT COUNT(*) AS blobs, COALESCE(SUM(size), 0)::bigint AS bytes FROM blobs'))!;
  }

  async uploadSessions(): Promise<number> {
    return (await this.database.row<{ n: number }>('SELECT COUNT(*) AS n FROM uploads'))!.n;
  }

  async jobQueue(now: Date): Promise<JobQueueStats[]> {
    return jobQueueStats(await this.database.rows<JobQueueRow>(JOB_QUEUE, [now.getTime()]));
  }
}
