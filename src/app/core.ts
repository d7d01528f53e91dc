import { join } from 'node:path';
import type { BerthConfig } from '../config/schema.js';
import { EventDispatcher } from '../events/dispatcher.js';
import { BlobGuard } from '../gc/blob-guard.js';
import { JobRunner } from '../jobs/runner.js';
import { Scheduler } from '../jobs/scheduler.js';
import { openMetadataStore } from '../metadata/open.js';
import type { MetadataStore } from '../metadata/store.js';
import { type Registry, createRegistry } from '../registry/index.js';
import type { BlobStore } from '../storage/blob-store.js';
import { openBlobStore } from '../storage/open-blob-store.js';
import { type Clock, systemClock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

/**
 * What every process that works on Berth's data opens, the server and each `berth` command alike:
 * the configured stores, the registry services (with GC's blob guard), and the background
 * machinery (job runner, scheduler, event dispatcher) on one clock. Opening it starts nothing:
 * no listener, no timers; `berth serve` starts background work, commands run beside it.
 */
export interface BerthCore {
  config: Readonly<BerthConfig>;
  /** "Now" for services, job leases and schedules; tests inject one. */
  clock: Clock;
  log: Logger;
  store: MetadataStore;
  blobs: BlobStore;
  registry: Registry;
  jobs: JobRunner;
  scheduler: Scheduler;
  events: EventDispatcher;
  /** Resolves while the metadata store answers (GET /healthz). */
  probe(): Promise<void>;
  /** Writes pending pull times and closes the stores; call after background work stopped. */
  close(): Promise<void>;
}

export interface CoreOptions {
  log: Logger;
  clock?: Clock;
}

export async function openCore(config: Readonly<BerthConfig>, options: CoreOptions): Promise<BerthCore> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const { store, blobs } = await openStores(config, log);
  const registry = createRegistry({
    store,
    blobs,
    options: config.registry,
    log,
    now: clock,
    // GC's grace period is about file and row ages on the system clock (see gc/blob-guard.ts).
    guard: new BlobGuard(store.gc, { graceMs: config.gc.graceSeconds * 1000, log: log.child({ component: 'gc' }) }),
  });
  const jobs = new JobRunner(store.jobs, log.child({ component: 'jobs' }), {
    now: clock,
    ...(config.jobs.leaseSeconds !== undefined && { leaseMs: config.jobs.leaseSeconds * 1000 }),
  });
  return {
    config,
    clock,
    log,
    store,
    blobs,
    registry,
    jobs,
    scheduler: new Scheduler(store.jobs, jobs, log.child({ component: 'scheduler' }), clock),
    events: new EventDispatcher(store.events, log.child({ component: 'events' }), { now: clock }),
    probe: async () => {
      await store.registry.getRepository(config.accountId, '');
    },
    close: async () => {
      await registry.pulls.flush();
      await store.close();
    },
  };
}

/** The configured metadata and blob stores. */
async function openStores(config: Readonly<BerthConfig>, log: Logger): Promise<{ store: MetadataStore; blobs: BlobStore }> {
  const sqlite = { file: config.metadata.sqlite.file ?? join(config.dataDir, 'metadata.db') };
  const store = await openMetadataStore({ ...config.metadata, sqlite }, log.child({ component: 'metadata' }));
  return { store, blobs: openBlobStore(config.storage, config.dataDir) };
}
