import type { FastifyInstance } from 'fastify';

export const HEALTH_PATH = '/healthz';

/**
 * GET /healthz for load balancers and orchestrators: answers ok, without credentials and never
 * cached, while `probe` (a metadata store read) answers; fails (500) while it does not, with the
 * server still up.
 */
export function healthRoute(server: FastifyInstance, probe: () => Promise<unknown>): void {
  server.get(HEALTH_PATH, async (_request, reply) => {
    await probe();
    reply.header('Cache-Control', 'no-store').send({ status: 'ok' });
  });
}
