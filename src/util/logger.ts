import type { BaseLogger, Bindings } from 'pino';

/**
 * The logger library code takes: pino's logging methods and `child()`. Fastify's `server.log` and
 * `request.log` and a `pino()` instance are all assignable to it, so services and stores never
 * name the HTTP framework to log.
 */
export interface Logger extends Pick<BaseLogger, 'level' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'> {
  child(bindings: Bindings): Logger;
}
