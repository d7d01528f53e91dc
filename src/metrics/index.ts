import { Registry } from 'prom-client';
import type { JobRecord } from '../metadata/job-store.js';
import type { StatsStore } from '../metadata/stats-store.js';
import type { EventSubscription } from '../events/subscription.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { OutcomeCounters } from './outcomes.js';
import { processMetrics } from './process-metrics.js';
import { registerStoreGauges } from './store-gauges.js';

export { OTHER_REPOSITORIES } from './store-gauges.js';

export interface MetricsOptions {
  /** Repositories itemised in the per-repository gauges (the rest are summed). */
  topRepositories: number;
  /** How long store aggregates are reused between scrapes. */
  storeCacheSeconds: number;
}

export interface MetricsDeps {
  stats: StatsStore;
  /** The job runner: the types it runs (reported even when idle) and its settle notifications. */
  jobs: { registeredTypes(): readonly string[]; onSettled(listener: (job: JobRecord, outcome: 'succeeded' | 'failed') => void): void };
  now: Clock;
  log: Logger;
  options: MetricsOptions;
}

/**
 * Berth's Prometheus metrics: one registry per app (request metrics join it from the HTTP
 * adapters, src/api/metrics), the store aggregates read at scrape time, the outcome counters,
 * and the process's default metrics. `render` is what GET /metrics answers.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  private readonly outcomes: OutcomeCounters;

  constructor(deps: MetricsDeps) {
    registerStoreGauges(this.registry, {
      stats: deps.stats,
      jobTypes: () => deps.jobs.registeredTypes(),
      now: deps.now,
      log: deps.log,
      topRepositories: deps.options.topRepositories,
      cacheSeconds: deps.options.storeCacheSeconds,
    });
    this.outcomes = new OutcomeCounters(this.registry);
    deps.jobs.onSettled((job, outcome) => this.outcomes.jobSettled(job, outcome));
  }

  /** Counts scan, GC and lifecycle results from the outbox. */
  subscription(): EventSubscription {
    return this.outcomes.subscription();
  }

  /** The exposition text: the process's metrics, then the app's. */
  async render(): Promise<string> {
    const [process, app] = await Promise.all([processMetrics().metrics(), this.registry.metrics()]);
    return `${process}\n${app}`;
  }
}
