import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { AccessLogController } from './access-log.js';
import { headerTimeoutOptions } from './header-timeout.js';
import { endIdleConnections } from './idle-connections.js';
import { LogDestination } from './log-destination.js';

export interface HttpServerOptions {
  logLevel: string;
  /** Where logs go (tests pass a sink); defaults to stdout, through a LogDestination (never blocks, drops lines instead). */
  logStream?: NodeJS.WritableStream;
  /** Serve HTTPS with this certificate and key (PEM). */
  https?: { cert: Buffer | string; key: Buffer | string };
  /** A connection that moves no bytes for this long is ended (see idle-connections.ts). */
  idleTimeoutSeconds: number;
  /** A request's headers must all arrive within this, else 408 and the connection closes (see header-timeout.ts); 0 turns it off. */
  headersTimeoutSeconds: number;
}

/**
 * The one listener both APIs share: its logging (one access-log line per response, credentials
 * redacted), request ids (a sane X-Request-Id is kept), TLS, and connection timeouts. Not
 * listening yet, so tests drive it in-process.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const headerTimeouts = headerTimeoutOptions(options.headersTimeoutSeconds);
  const server = Fastify({
    logger: {
      level: options.logLevel,
      stream: options.logStream ?? new LogDestination(),
      redact: ['req.headers.authorization', 'req.headers["x-amz-security-token"]'],
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    ...(options.https ? { https: { ...options.https, ...headerTimeouts } } : { http: headerTimeouts }),
    // One access-log line per response instead of fastify's two.
    logController: new AccessLogController(),
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    keepAliveTimeout: 65_000,
    requestTimeout: 0,
    // The socket idle timeout (server.timeout), acted on by endIdleConnections.
    connectionTimeout: options.idleTimeoutSeconds * 1000,
  });
  endIdleConnections(server.server);
  return server;
}
