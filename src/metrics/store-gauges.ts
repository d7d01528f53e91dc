import { Counter, Gauge, type Registry } from 'prom-client';
import type { JobQueueStats, StatsStore, UsageSummary } from '../metadata/stats-store.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { Cached } from './cached.js';

/** The label value that sums the repositories beyond the top N (no repository can be named so: names start with [a-z0-9]). */
export const OTHER_REPOSITORIES = '__other__';

export interface StoreGaugeOptions {
  stats: StatsStore;
  /** Job types this node runs: each is reported (0 when idle) so a missing series never hides a stuck queue. */
  jobTypes: () => readonly string[];
  now: Clock;
  log: Logger;
  /** Repositories itemised by name (largest first); the rest are summed as OTHER_REPOSITORIES. */
  topRepositories: number;
  cacheSeconds: number;
}

interface Snapshot {
  usage: UsageSummary;
  blobs: { blobs: number; bytes: number };
  uploadSessions: number;
  jobs: JobQueueStats[];
  at: Date;
}

/**
 * Gauges read from the metadata store at scrape time (aggregate queries, cached for
 * `cacheSeconds`), never by walking blob storage. They describe the whole deployment, so every
 * node sharing one database reports the same values: aggregate them across nodes with max, not sum.
 */
export function registerStoreGauges(registry: Registry, options: StoreGaugeOptions): void {
  const ttlMs = options.cacheSeconds * 1000;
  const snapshot = new Cached<Snapshot>(async () => {
    const at = options.now();
    const [usage, blobs, uploadSessions, jobs] = await Promise.all([
      options.stats.repositoryUsage(options.topRepositories),
      options.stats.blobTotals(),
      options.stats.uploadSessions(),
      options.stats.jobQueue(at),
    ]);
    return { usage, blobs, uploadSessions, jobs, at };
  }, ttlMs);
  const failures = new Counter({
    name: 'berth_metrics_store_read_failures_total',
    help: 'Scrapes whose aggregates could not be read from the metadata store (those gauges were left out).',
    registers: [registry],
  });
  /** The snapshot, or undefined (logged, counted) when the store did not answer: the gauges then report nothing rather than stale values. */
  const read = async (): Promise<Snapshot | undefined> => {
    try {
      return await snapshot.get();
    } catch (err) {
      failures.inc();
      options.log.warn({ err }, 'reading metrics aggregates from the metadata store failed');
      return undefined;
    }
  };

  const repositoryLabels = ['account_id', 'repository'] as const;
  const perRepository = (name: string, help: string, value: (r: { images: number; bytes: number }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: repositoryLabels,
      registers: [registry],
      async collect() {
        this.reset();
        const s = await read();
        if (!s) return;
        let rest = value(s.usage);
        for (const r of s.usage.top) {
          this.set({ account_id: r.accountId, repository: r.name }, value(r));
          rest -= value(r);
        }
        if (s.usage.repositories > s.usage.top.length) this.set({ account_id: '', repository: OTHER_REPOSITORIES }, rest);
      },
    });
  perRepository(
    'berth_repository_storage_bytes',
    'Bytes a repository\'s images hold (manifests, plus each distinct layer and config once; blobs shared between repositories count in each). The largest repositories by name, the rest as repository="__other__".',
    (r) => r.bytes,
  );
  perRepository('berth_repository_images', 'Manifests stored in a repository (images, index children and artifacts), as ECR counts images.', (r) => r.images);

  const single = (name: string, help: string, value: (s: Snapshot) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.reset();
        const s = await read();
        if (s) this.set(value(s));
      },
    });
  single('berth_repositories', 'Repositories in the registry (all accounts).', (s) => s.usage.repositories);
  single('berth_blobs', 'Blobs stored, each once however many repositories hold it.', (s) => s.blobs.blobs);
  single('berth_blob_storage_bytes', 'Bytes of the blobs stored, each once (what blob storage holds, besides uploads in progress).', (s) => s.blobs.bytes);
  single('berth_upload_sessions', 'Upload sessions open in the registry (started, not yet completed, cancelled or purged as stale).', (s) => s.uploadSessions);

  new Gauge({
    name: 'berth_jobs',
    help: 'Background jobs by type and state: due (queued, waiting for a runner), scheduled (queued for later: retries, recurring runs), running.',
    labelNames: ['type', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const s = await read();
      if (!s) return;
      for (const job of withIdleTypes(s.jobs, options.jobTypes())) {
        this.set({ type: job.type, state: 'due' }, job.due);
        this.set({ type: job.type, state: 'scheduled' }, job.scheduled);
        this.set({ type: job.type, state: 'running' }, job.running);
      }
    },
  });
  new Gauge({
    name: 'berth_job_oldest_due_age_seconds',
    help: 'How long the longest-waiting due job of a type has been due (0 when none is waiting).',
    labelNames: ['type'],
    registers: [registry],
    async collect() {
      this.reset();
      const s = await read();
      if (!s) return;
      for (const job of withIdleTypes(s.jobs, options.jobTypes())) {
        this.set({ type: job.type }, job.oldestDueAt ? Math.max(0, (s.at.getTime() - job.oldestDueAt.getTime()) / 1000) : 0);
      }
    },
  });
}

/** The store's rows plus an empty one for each registered type it did not mention. */
function withIdleTypes(rows: readonly JobQueueStats[], types: readonly string[]): JobQueueStats[] {
  const seen = new Set(rows.map((r) => r.type));
  return [...rows, ...types.filter((t) => !seen.has(t)).map((type) => ({ type, due: 0, scheduled: 0, running: 0 }))];
}
