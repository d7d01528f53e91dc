import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf } from '../audit/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../iam/principal.js';

// The principal a request authenticated as, set by each adapter once it knows, for the hook below.
const requestPrincipals = new WeakMap<object, Principal>();

export function setRequestPrincipal(request: FastifyRequest, principal: Principal): void {
  requestPrincipals.set(request.raw, principal);
}

function requestPrincipal(request: FastifyRequest): Principal | undefined {
  return requestPrincipals.get(request.raw);
}

const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

/** The action a request asked for, in audit terms; undefined for requests not worth a record. */
function actionOf(request: FastifyRequest, status: number): string | undefined {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith(ECR_TARGET_PREFIX)) return `ecr:${target.slice(ECR_TARGET_PREFIX.length)}`;
  const path = (request.raw.url ?? '').split('?')[0]!;
  if (!path.startsWith('/v2')) return undefined;
  const refused = status === 401 || status === 403 || status === 429;
  if (request.method === 'GET' || request.method === 'HEAD') return refused ? `v2:${request.method} ${path}` : undefined;
  return `v2:${request.method} ${path}`;
}

/**
 * Records every ECR API call and every /v2 change or refusal (like CloudTrail's management
 * events), after the response is sent so the client never waits for it.
 */
export function installRequestAudit(app: FastifyInstance, audit: AuditLog): void {
  app.addHook('onResponse', async (request, reply) => {
    const action = actionOf(request, reply.statusCode);
    if (!action) return;
    const principal = requestPrincipal(request);
    const entry: Parameters<AuditLog['record']>[0] = {
      at: new Date(),
      actor: principal ? actorOf(principal) : 'anonymous',
      action,
      outcome: reply.statusCode === 401 || reply.statusCode === 403 ? 'denied' : reply.statusCode < 400 ? 'succeeded' : 'failed',
      sourceIp: request.ip,
      requestId: String(request.id),
      detail: { status: reply.statusCode },
    };
    if (principal && principal.kind !== 'anonymous') entry.accountId = principal.accountId;
    audit.record(entry);
  });
}
