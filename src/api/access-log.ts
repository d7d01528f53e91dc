import type { FastifyInstance } from 'fastify';

/**
 * One JSON line per request, written when the response is done (fastify's default writes two:
 * "incoming request" and "request completed", which doubled logging cost on the manifest GET path).
 * The line carries the request id through the request's child logger.
 */
export function installAccessLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
        remoteAddress: request.ip,
      },
      'request completed',
    );
  });
}
