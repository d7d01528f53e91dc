import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { actorOf } from '../../audit/actor.js';
import { setRequestPrincipal } from '../audit-hook.js';
import { decodePercent } from '../http/percent.js';
import { meterOf } from '../http/request-meter.js';
import { assertRepositoryName, isValidRepositoryName } from '../../domain/reference.js';
import type { RequestFacts } from '../../iam/principal.js';
import type { Registry } from '../../registry/index.js';
import type { OciAccess, OciOperation, OciRequestInfo, OciTarget } from '../../iam/ports.js';
import { INTERNAL_ERROR, ociError, toOciError, type OciErrorResponse } from './errors.js';
import { requestFacts } from '../request-facts.js';
import { deleteBlob, getBlob } from './handlers/blobs.js';
import type { OciCall, OciHandler } from './handlers/context.js';
import { base, catalog, listReferrers, listTags } from './handlers/discovery.js';
import { deleteManifest, getManifest, putManifest } from './handlers/manifests.js';
import { cancelUpload, completeUpload, patchUpload, startUpload, uploadStatus } from './handlers/uploads.js';
import { type OciRoute, matchRoute } from './route.js';

const HANDLERS: Record<OciOperation, OciHandler> = {
  base,
  catalog,
  'tags.list': listTags,
  'manifest.get': getManifest,
  'manifest.head': getManifest,
  'manifest.put': putManifest,
  'manifest.delete': deleteManifest,
  'blob.get': getBlob,
  'blob.head': getBlob,
  'blob.delete': deleteBlob,
  'upload.start': startUpload,
  'upload.status': uploadStatus,
  'upload.patch': patchUpload,
  'upload.complete': completeUpload,
  'upload.cancel': cancelUpload,
  'referrers.list': listReferrers,
};

/** Operations that may create the repository they address (create-on-push). */
const PUSHES: ReadonlySet<OciOperation> = new Set(['upload.start', 'manifest.put']);

export interface OciPluginOptions {
  registry: Registry;
  access: OciAccess;
  /** Facts about the request for authorization (source address, TLS, request id); default: requestFacts. */
  facts?(request: FastifyRequest): RequestFacts;
}

/** The OCI Distribution API (/v2). Only translates HTTP to registry service calls and back. */
export async function ociPlugin(app: FastifyInstance, options: OciPluginOptions): Promise<void> {
  // Bodies stay unread streams: uploads pipe straight to storage, manifests are read with a limit.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  // Returning the reply tells fastify the response is sent by us (streams finish after the handler resolves).
  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    await dispatch(request, reply, options);
    return reply;
  };
  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
  app.route({ method: methods, url: '/v2', handler: handle, exposeHeadRoute: false });
  app.route({ method: methods, url: '/v2/*', handler: handle, exposeHeadRoute: false });
}

async function dispatch(request: FastifyRequest, reply: FastifyReply, options: OciPluginOptions): Promise<void> {
  reply.header('Docker-Distribution-API-Version', 'registry/2.0');
  const info: OciRequestInfo = { method: request.method, url: request.raw.url ?? '/', headers: request.headers, facts: (options.facts ?? requestFacts)(request) };
  try {
    const url = request.raw.url ?? '/';
    const q = url.indexOf('?');
    const path = decodePath(q === -1 ? url : url.slice(0, q));
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    const match = matchRoute(request.method, path);
    // The spec allows only its own codes in a JSON error body; an unknown endpoint is an unsupported operation.
    if ('notFound' in match) return send(reply, ociError(404, 'UNSUPPORTED', `no such endpoint: ${request.method} ${path.slice(0, 300)}`));
    if ('methodNotAllowed' in match) {
      return send(reply, ociError(405, 'UNSUPPORTED', `${request.method} is not supported on ${path.slice(0, 300)}`));
    }
    const route = match.route;
    meterOf(request)?.classify('oci', route.operation);
    if (route.name !== undefined) assertRepositoryName(route.name);
    // Who is calling decides which account an unqualified host addresses, so authenticate first.
    const principal = await options.access.authenticate(info);
    setRequestPrincipal(request, principal);
    const key = { accountId: options.access.accountFor(info, principal), name: route.name ?? '' };
    await options.access.authorize(principal, route.operation, target(route, key, query), info);
    const call: OciCall = { request, reply, route, key, query, principal, info, registry: options.registry, access: options.access, actor: actorOf(principal) };
    await HANDLERS[route.operation](call);
  } catch (err) {
    if (reply.sent) {
      request.log.warn({ err }, 'request failed after the response started');
      return;
    }
    const mapped = toOciError(err);
    if (mapped) {
      if (mapped.status === 401) {
        const challenge = options.access.challenge(info);
        if (challenge) reply.header('WWW-Authenticate', challenge);
      }
      if (mapped.status === 429 && err instanceof DomainError && typeof err.detail?.retryAfterSeconds === 'number') {
        reply.header('Retry-After', String(err.detail.retryAfterSeconds));
      }
      if (err instanceof DomainError && err.code === 'RangeNotSatisfiable' && typeof err.detail?.size === 'number') {
        reply.header('Range', `0-${Math.max(0, err.detail.size - 1)}`);
      }
      if (mapped.status >= 500) request.log.error({ err }, 'request failed');
      // Drain an unread body so the connection stays usable for the client's next request.
      if (!request.raw.readableEnded) request.raw.resume();
      return send(reply, mapped);
    }
    if (isClientAbort(err)) {
      request.log.info({ err: { message: (err as Error).message } }, 'client went away mid-request');
      return;
    }
    request.log.error({ err }, 'request failed');
    if (!request.raw.readableEnded) request.raw.resume();
    send(reply, INTERNAL_ERROR);
  }
}

function target(route: OciRoute, key: { accountId: string; name: string }, query: URLSearchParams): OciTarget {
  if (route.name === undefined) return {};
  const result: OciTarget = { repository: key, creates: PUSHES.has(route.operation) };
  const from = query.get('from');
  // Only a usable `from` makes a mount; otherwise the request is the upload it falls back to.
  if (route.operation === 'upload.start' && query.has('mount') && from && isValidRepositoryName(from)) {
    result.mountFrom = { accountId: key.accountId, name: from };
  }
  return result;
}

function send(reply: FastifyReply, error: OciErrorResponse): void {
  reply.code(error.status).header('Content-Type', 'application/json').send(JSON.stringify(error.body));
}

function decodePath(path: string): string {
  const decoded = decodePercent(path);
  if (decoded === undefined) throw new DomainError('NameInvalid', 'request path is not valid percent-encoding');
  return decoded;
}

/** Node's "aborted" request error is a ConnResetException: code ECONNRESET. */
function isClientAbort(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'EPIPE';
}
