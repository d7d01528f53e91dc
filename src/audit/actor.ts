import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../iam/principal.js';

/**
 * Who is acting, carried implicitly through a request or a background job, so the events that
 * services write (image pushed, deleted, expired…) name their actor without every service method
 * taking a principal parameter.
 */
const storage = new AsyncLocalStorage<string>();

export function actorOf(principal: Principal): string {
  return principal.kind === 'anonymous' ? 'anonymous' : principal.arn;
}

export function runAsActor<T>(actor: string, fn: () => T): T {
  return storage.run(actor, fn);
}

export function currentActor(): string | undefined {
  return storage.getStore();
}

// The principal a request authenticated as, for the request audit hook.
const requestPrincipals = new WeakMap<object, Principal>();

export function setRequestPrincipal(request: FastifyRequest, principal: Principal): void {
  requestPrincipals.set(request.raw, principal);
}

export function requestPrincipal(request: FastifyRequest): Principal | undefined {
  return requestPrincipals.get(request.raw);
}
