import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { HEALTH_PATH } from './healthz.js';

/**
 * One JSON line per request (at debug for a successful health probe), written when the response is done. Fastify's default writes two
 * ("incoming request" and "request completed"), which doubled logging cost on the manifest GET
 * path. The line carries the request id through the request's child logger.
 */
export class AccessLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      remoteAddress: request.ip,
    };
    if (error) request.log.error({ ...line, err: error }, 'request errored');
    // Load balancers and orchestrators probe /healthz every few seconds: an answered probe is noise at info.
    else if (request.routeOptions.url === HEALTH_PATH && reply.statusCode < 400) request.log.debug(line, 'request completed');
    else request.log.info(line, 'request completed');
  }
}
