/**
 * Aggregate reads for the metrics a scrape reports (src/metrics): what the registry holds and what
 * the job queue has waiting. Each is one query over indexed tables, never a walk of blob storage;
 * the caller caches the answers for a few seconds.
 */

/** One repository's share of the registry. */
export interface RepositoryUsage {
  accountId: string;
  name: string;
  /** Manifests stored in it (images, index children and artifacts alike, as ECR counts them). */
  images: number;
  /**
   * Bytes its manifests hold: the manifests themselves plus each distinct blob (layer, config)
   * they reference once. A blob shared with another repository counts in both.
   */
  bytes: number;
}

export interface UsageSummary {
  /** The `top` largest repositories by bytes, largest first (ties by account and name). */
  top: RepositoryUsage[];
  /** Over every repository, the top ones included. */
  repositories: number;
  images: number;
  bytes: number;
}

/** What is waiting and running, per job type. */
export interface JobQueueStats {
  type: string;
  /** Queued and due (runAt ≤ now): waiting for a runner. */
  due: number;
  /** Queued for later (runAt > now): retries and recurring jobs' next occurrences. */
  scheduled: number;
  running: number;
  /** The due time of the longest-waiting due job. */
  oldestDueAt?: Date;
}

export interface StatsStore {
  /** Every repository's usage, the `top` largest itemised. */
  repositoryUsage(top: number): Promise<UsageSummary>;
  /** Blobs stored, each once however many repositories share it (what storage holds). */
  blobTotals(): Promise<{ blobs: number; bytes: number }>;
  /** Upload sessions open (started, neither completed nor cancelled nor purged). */
  uploadSessions(): Promise<number>;
  /** Queued and running jobs by type (types with neither are absent). */
  jobQueue(now: Date): Promise<JobQueueStats[]>;
}

/** The row the usage query returns: a top repository with the totals over all of them. */
export interface UsageRow {
  account_id: string;
  name: string;
  images: number;
  bytes: number;
  all_repositories: number;
  all_images: number;
  all_bytes: number;
}

export interface JobQueueRow {
  type: string;
  due: number;
  scheduled: number;
  running: number;
  oldest_due: number | null;
}

/** Cuts the usage rows (read with a limit of at least one, so the totals come along) to `top`. */
export function usageSummary(rows: readonly UsageRow[], top: number): UsageSummary {
  const first = rows[0];
  return {
    top: rows.slice(0, top).map((r) => ({ accountId: r.account_id, name: r.name, images: r.images, bytes: r.bytes })),
    repositories: first?.all_repositories ?? 0,
    images: first?.all_images ?? 0,
    bytes: first?.all_bytes ?? 0,
  };
}

export function jobQueueStats(rows: readonly JobQueueRow[]): JobQueueStats[] {
  return rows.map((r) => ({
    type: r.type,
    due: r.due,
    scheduled: r.scheduled,
    running: r.running,
    ...(r.oldest_due !== null && { oldestDueAt: new Date(r.oldest_due) }),
  }));
}
