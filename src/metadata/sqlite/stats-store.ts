import { type JobQueueRow, type JobQueueStats, type StatsStore, type UsageRow, type UsageSummary, jobQueueStats, usageSummary } from '../stats-store.js';
import type { SqliteDatabase } from './database.js';

/**
 * Per repository: its manifests (count, bytes) and the distinct blobs they reference; the window
 * sums carry the totals over every repository on each of the top rows.
 */
const USAGE = `
  WITH blob_bytes AS (
    SELECT refs.repository_id, SUM(b.size) AS bytes
    FROM (SELECT DISTINCT m.repository_id, mb.digest FROM manifests m JOIN manifest_blobs mb ON mb.manifest_id = m.id) refs
    JOIN blobs b ON b.digest = refs.digest
    GROUP BY refs.repository_id
  ), manifest_totals AS (
    SELECT repository_id, COUNT(*) AS images, SUM(size) AS bytes FROM manifests GROUP BY repository_id
  ), per_repository AS (
    SELECT r.account_id, r.name, COALESCE(mt.images, 0) AS images, COALESCE(mt.bytes, 0) + COALESCE(bb.bytes, 0) AS bytes
    FROM repositories r
    LEFT JOIN manifest_totals mt ON mt.repository_id = r.id
    LEFT JOIN blob_bytes bb ON bb.repository_id = r.id
  )
  SELECT account_id, name, images, bytes,
    COUNT(*) OVER () AS all_repositories, SUM(images) OVER () AS all_images, SUM(bytes) OVER () AS all_bytes
  FROM per_repository
  ORDER BY bytes DESC, account_id, name
  LIMIT ?`;

const JOB_QUEUE = `
  SELECT type,
    SUM(CASE WHEN status = 'queued' AND run_at <= ? THEN 1 ELSE 0 END) AS due,
    SUM(CASE WHEN status = 'queued' AND run_at > ? THEN 1 ELSE 0 END) AS scheduled,
    SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END) AS running,
    MIN(CASE WHEN status = 'queued' AND run_at <= ? THEN run_at END) AS oldest_due
  FROM jobs WHERE status IN ('queued', 'running')
  GROUP BY type ORDER BY type`;

export class SqliteStatsStore implements StatsStore {
  constructor(private readonly database: SqliteDatabase) {}

  async repositoryUsage(top: number): Promise<UsageSummary> {
    const rows = this.database.stmt(USAGE).all(Math.max(1, top)) as UsageRow[];
    return usageSummary(rows, top);
  }

  async blobTotals(): Promise<{ blobs: number; bytes: number }> {
    return this.database.stmt('SELECT COUNT(*) AS blobs, COALESCE(SUM(size), 0) AS bytes FROM blobs').get() as { blobs: number; bytes: number };
  }

  async uploadSessions(): Promise<number> {
    return (this.database.stmt('SELECT COUNT(*) AS n FROM uploads').get() as { n: number }).n;
  }

  async jobQueue(now: Date): Promise<JobQueueStats[]> {
    const t = now.getTime();
    return jobQueueStats(this.database.stmt(JOB_QUEUE).all(t, t, t) as JobQueueRow[]);
  }
}
