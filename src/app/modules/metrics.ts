import { readFileSync } from 'node:fs';
import { installHttpMetrics } from '../../api/metrics/http-metrics.js';
import { createMetricsListener } from '../../api/metrics/listener.js';
import { metricsRoute } from '../../api/metrics/route.js';
import { hostPortOf } from '../../config/load.js';
import type { BerthConfig } from '../../config/schema.js';
import { readTlsFiles } from '../../config/tls-files.js';
import { Metrics } from '../../metrics/index.js';
import type { BerthModule, Listener, ModuleContext } from '../module.js';

/**
 * Prometheus metrics (`metrics.enabled`, on by default): the request hook on the registry's
 * listener, the outbox subscriber counting scan, GC and lifecycle results, and GET /metrics on the
 * registry's listener or, with `metrics.listen`, on a listener of its own.
 */
export async function metricsModule({ core, config }: ModuleContext): Promise<BerthModule<Metrics | undefined>> {
  const settings = config.metrics;
  if (!settings.enabled) return { name: 'metrics', service: undefined };
  const metrics = new Metrics({
    stats: core.store.stats,
    jobs: core.jobs,
    now: core.clock,
    log: core.log.child({ component: 'metrics' }),
    options: { topRepositories: settings.topRepositories, storeCacheSeconds: settings.storeCacheSeconds },
  });
  const route = { render: () => metrics.render(), contentType: metrics.contentType, token: metricsToken(settings) };
  const listeners: Listener[] = [];
  if (settings.listen !== undefined) {
    const server = await createMetricsListener({ ...route, ...(config.tls && { https: readTlsFiles(config.tls) }) });
    listeners.push({ name: 'metrics', server, ...hostPortOf(settings.listen) });
  }
  return {
    name: 'metrics',
    service: metrics,
    subscriptions: [metrics.subscription()],
    routes: [
      (server) => {
        installHttpMetrics(server, metrics.registry);
        if (settings.listen === undefined) return metricsRoute(server, route);
      },
    ],
    listeners,
  };
}

function metricsToken(settings: BerthConfig['metrics']): string | undefined {
  if (settings.tokenFile === undefined) return settings.token;
  let token: string;
  try {
    token = readFileSync(settings.tokenFile, 'utf8').trim();
  } catch (err) {
    throw new Error(`metrics.tokenFile ${settings.tokenFile} cannot be read: ${(err as Error).message}`);
  }
  if (token.length < 16) throw new Error(`metrics.tokenFile ${settings.tokenFile} must hold a token of at least 16 characters`);
  return token;
}
