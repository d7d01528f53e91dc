import Fastify, { type FastifyInstance } from 'fastify';
import { type MetricsRouteOptions, metricsRoute } from './route.js';

export interface MetricsListenerOptions extends MetricsRouteOptions {
  /** Serve HTTPS with this certificate and key (PEM), as the registry's listener does. */
  https?: { cert: Buffer | string; key: Buffer | string };
}

/**
 * A listener that serves only GET /metrics (metrics.listen): scrapes stay off the registry's
 * address and out of its access log. Not listening yet; `berth serve` listens on it.
 */
export async function createMetricsListener(options: MetricsListenerOptions): Promise<FastifyInstance> {
  const server = Fastify({
    logger: false,
    forceCloseConnections: true,
    ...(options.https && { https: options.https }),
  });
  await server.register(metricsRoute, options);
  return server;
}
