import { Registry, collectDefaultMetrics } from 'prom-client';

let shared: Registry | undefined;

/**
 * prom-client's default metrics (process_* CPU, memory, file descriptors; nodejs_* event loop lag,
 * heap, GC), under their usual names so stock Node.js dashboards work. They describe the process,
 * not one app, and their collectors (an event-loop delay monitor, a GC observer) live as long as
 * the process: so one registry per process, however many apps it builds (tests build many).
 */
export function processMetrics(): Registry {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
    // Gauges named like counters (promtool check metrics refuses them); each is the sum of the
    // same name without _total, which prom-client reports by type.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) shared.removeSingleMetric(name);
  }
  return shared;
}
