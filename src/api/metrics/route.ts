import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const METRICS_PATH = '/metrics';

export interface MetricsRouteOptions {
  /** The exposition text and its content type. */
  render(): Promise<string>;
  contentType: string;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
}

/**
 * GET /metrics. With a token, the caller is checked in onRequest, before anything of the request
 * is read (a body included): a refusal is 401 with a Bearer challenge, and the connection closes
 * when a body was announced, so it is never read.
 */
export async function metricsRoute(server: FastifyInstance, options: MetricsRouteOptions): Promise<void> {
  const expected = options.token === undefined ? undefined : digestOf(options.token);
  server.route({
    method: 'GET',
    url: METRICS_PATH,
    onRequest: expected
      ? (request, reply, done) => {
          if (bearerMatches(request, expected)) return done();
          refuse(request, reply);
        }
      : undefined,
    handler: async (_request, reply) => {
      const body = await options.render();
      return reply.header('Content-Type', options.contentType).header('Cache-Control', 'no-store').send(body);
    },
  });
}

function bearerMatches(request: FastifyRequest, expected: Buffer): boolean {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return false;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  // Compared as digests: equal lengths for timingSafeEqual, and no timing hint of the token's length.
  return match !== null && timingSafeEqual(digestOf(match[1]!), expected);
}

function refuse(request: FastifyRequest, reply: FastifyReply): void {
  const announced = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (announced) reply.header('Connection', 'close');
  reply
    .code(401)
    .header('WWW-Authenticate', 'Bearer realm="berth-metrics"')
    .header('Content-Type', 'text/plain; charset=utf-8')
    .send(request.headers.authorization === undefined ? 'metrics need a bearer token\n' : 'the bearer token is not valid for metrics\n');
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
