import type { Actor } from '../../../audit/actor.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RepositoryKey } from '../../../domain/reference.js';
import type { Principal } from '../../../iam/principal.js';
import type { Registry } from '../../../registry/index.js';
import type { OciAccess, OciRequestInfo } from '../../../iam/ports.js';
import type { OciRoute } from '../route.js';

/** Everything one /v2 handler call needs. */
export interface OciCall {
  request: FastifyRequest;
  reply: FastifyReply;
  route: OciRoute;
  /** The repository addressed (absent for base and catalog). */
  key: RepositoryKey;
  query: URLSearchParams;
  principal: Principal;
  /** The principal as named on the events a change writes. */
  actor: Actor;
  info: OciRequestInfo;
  registry: Registry;
  access: OciAccess;
}

export type OciHandler = (call: OciCall) => Promise<void>;

/** `/v2/<name>/<suffix>` as a Location header value. */
export function location(key: RepositoryKey, suffix: string): string {
  return `/v2/${key.name}/${suffix}`;
}
