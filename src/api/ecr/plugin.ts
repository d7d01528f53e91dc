/**
 * The ECR control-plane API (AWS JSON 1.1) as an encapsulated fastify plugin, served on the same
 * listener as /v2:  app.register(ecrApiPlugin, options).
 *
 * POST / with X-Amz-Target AmazonEC2ContainerRegistry_V20150921.<Operation>:
 *   1. unknown target, non-JSON content type, or an operation without a handler
 *      -> UnknownOperationException (the last with a message saying Berth lacks it)
 *   2. authenticate from the headers (SigV4: form, date, scope, a known active key, and the
 *      signature itself when the client declared the body's hash) -> refused before the body is read
 *   3. read the body (body.ts): the operation's size bound, a minimum pace, and while the body is
 *      what still proves the signature, a budget shared by all such requests (ServiceUnavailable
 *      when full); then finish SigV4 with the body's SHA-256
 *   4. JSON, types and model constraints -> SerializationException / InvalidParameterException
 *   5. authorize (IAM policies for the operation's actions and resource) -> AccessDeniedException
 *   6. handler(input, ctx) -> output serialised per the model, or its error per errors.ts
 * Every answer carries x-amzn-RequestId and Content-Type application/x-amz-json-1.1 (bodies are
 * sent as Buffers so fastify does not append a charset AWS never sends). An answer that leaves more
 * than a little of the body unread closes the connection, so the rest is never read.
 */
import { setRequestPrincipal } from '../audit-hook.js';
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../iam/principal.js';
import type { EcrCall, PendingAuthentication, SignedRequestHead } from '../../iam/ports.js';
import type { BodyPace } from '../http/body.js';
import { ByteBudget } from '../http/byte-budget.js';
import { meterOf } from '../http/request-meter.js';
import { readBody } from './body.js';
import type { RequestBody } from './body.js';
import { buildContext } from './context.js';
import type { ContextSettings } from './context.js';
import { encodeShape } from './encode.js';
import { EcrApiError, toWireError } from './errors.js';
import type { EcrErrorName, WireError } from './errors.js';
import { checkInput, parseJsonBody } from './input.js';
import { DEFAULT_BODY_LIMITS, bodyLimitFor } from './limits.js';
import type { BodyLimits } from './limits.js';
import { getOperationModel } from './model/index.js';
import type { EcrOperationName } from './model/types.js';
import { operationRegistry } from './operation.js';
import type { AnyOperationDefinition, OperationContext } from './operation.js';
import { PageTokenCodec } from './pagination.js';
import { checkHostTemplate } from './resources.js';
import { requestFacts } from '../request-facts.js';
import { JSON_CONTENT_TYPE, isJsonContentType, operationFromTarget } from './target.js';
import type { Logger } from '../../util/logger.js';

export interface EcrApiPluginOptions {
  operations: readonly AnyOperationDefinition[];
  /**
   * Establishes the caller in two steps (typically beginSigV4 from src/iam/sigv4: the request maps
   * onto SigV4RequestHead as path = rawPath, query = rawQuery): from the headers, before the body
   * is read, then `complete` with the body's SHA-256. To reject, throw a SigV4Error or a
   * DomainError ('Unauthenticated', 'AccessDenied', ...) from either; each is sent as AWS would.
   * An anonymous principal is answered with MissingAuthenticationTokenException.
   */
  authenticate: (request: SignedRequestHead) => Promise<PendingAuthentication>;
  /**
   * Decides whether the caller may make the call (src/iam's Authorizer in the app). Runs after
   * validation and before the handler, so a refused call changes nothing; throw
   * DomainError('AccessDenied', message) to refuse. Required, so that no wiring forgets it.
   */
  authorize: (request: EcrCall) => Promise<void>;
  /** The deployment's region, used in ARNs and registry hosts. */
  region: string;
  /**
   * Registry host for repository URIs, e.g. `{accountId}.dkr.ecr.{region}.example.com` (see
   * resources.ts); a function is asked per request (e.g. for the port a server bound to, or the
   * Host the request was sent to).
   */
  registryHostTemplate: string | ((request: { host?: string }) => string);
  /** HMAC key for pagination tokens (at least 16 bytes; the same on every node). */
  paginationSecret: string | Uint8Array;
  partition?: string;
  bodyLimits?: Partial<BodyLimits>;
  /** How slowly a body may arrive (default: DEFAULT_BODY_PACE). */
  bodyPace?: BodyPace;
  /**
   * Bytes that bodies whose signature depends on them may hold at once, across all requests
   * (default DEFAULT_UNVERIFIED_BODY_BYTES).
   */
  unverifiedBodyBytes?: number;
  pageTokenTtlSeconds?: number;
}

/** Ten seconds to start, then at least 64 KiB/s: a 32 MiB body gets about 8.5 minutes. */
const DEFAULT_BODY_PACE: BodyPace = { graceMs: 10_000, minBytesPerSecond: 64 * 1024 };
/** Two of the largest (UploadLayerPart) bodies. */
const DEFAULT_UNVERIFIED_BODY_BYTES = 64 * 1024 * 1024;
/** An answer that leaves at most this much of a body unread lets Node drain it and keeps the connection. */
const DRAINED_REMAINDER = 64 * 1024;

interface RequestState {
  requestId: string;
  operation?: EcrOperationName;
  errors?: AnyOperationDefinition['errors'];
}

export const ecrApiPlugin: FastifyPluginAsync<EcrApiPluginOptions> = async (app, options) => {
  const registry = operationRegistry(options.operations);
  if (typeof options.registryHostTemplate === 'string') checkHostTemplate(options.registryHostTemplate);
  const limits: BodyLimits = { ...DEFAULT_BODY_LIMITS, ...options.bodyLimits };
  const pace = options.bodyPace ?? DEFAULT_BODY_PACE;
  const unverified = new ByteBudget(options.unverifiedBodyBytes ?? DEFAULT_UNVERIFIED_BODY_BYTES);
  const settings: ContextSettings = {
    region: options.region,
    partition: options.partition ?? 'aws',
    registryHostTemplate: options.registryHostTemplate,
    codec: new PageTokenCodec(options.paginationSecret, { ttlSeconds: options.pageTokenTtlSeconds }),
  };
  const states = new WeakMap<FastifyRequest, RequestState>();
  const stateOf = (req: FastifyRequest): RequestState => {
    let state = states.get(req);
    if (!state) {
      state = { requestId: randomUUID() };
      states.set(req, state);
    }
    return state;
  };

  // Bodies are left unread here: the route reads each, raw (whatever its content type, so the
  // signature covers its exact bytes), once the headers have authenticated the caller.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null));

  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    const state = stateOf(req);
    if (isClientAbort(err)) {
      req.log.info({ requestId: state.requestId, operation: state.operation }, 'client went away mid-request');
      return;
    }
    if (unreadRemainder(req) > DRAINED_REMAINDER) reply.header('connection', 'close');
    sendError(reply, toWireError(fromFastify(err), state.errors), state, req.log, err);
  });

  app.post('/', async (req, reply) => {
    const state = stateOf(req);
    const operation = operationFromTarget(req.headers['x-amz-target']) as EcrOperationName | undefined;
    if (!operation) throw new EcrApiError('UnknownOperationException');
    state.operation = operation;
    const meter = meterOf(req);
    meter?.classify('ecr', operation);
    if (!isJsonContentType(req.headers['content-type'])) throw new EcrApiError('UnknownOperationException');
    const definition = registry.get(operation);
    if (!definition) {
      throw new EcrApiError('UnknownOperationException', `Berth does not implement the ECR operation ${operation}`);
    }
    state.errors = definition.errors;

    const pending = await options.authenticate(requestHead(req));
    // Until the body proves the signature, its bytes count against the shared budget.
    const claim = pending.signatureVerified ? undefined : unverified.claim();
    let body: RequestBody;
    let principal: Principal;
    try {
      const limit = bodyLimitFor(operation, limits);
      body = await readBody(req.raw, { limit, declaredLength: req.headers['content-length'], pace, claim });
      meter?.received(body.raw.length);
      principal = pending.complete(body.sha256);
    } finally {
      claim?.release();
    }
    setRequestPrincipal(req, principal);
    if (principal.kind === 'anonymous') {
      throw new EcrApiError('MissingAuthenticationTokenException', 'Missing Authentication Token');
    }

    const model = getOperationModel(operation)!;
    const json = parseJsonBody(body.raw);
    const input = model.input ? checkInput(model.input.shape, json) : {};
    const log = req.log.child({ requestId: state.requestId, operation });
    const ctx = buildContext(settings, { operation, principal, input, requestFacts: requestFacts(req, state.requestId), host: req.headers.host, log });
    await options.authorize({ operation, principal, input, accountId: ctx.accountId, requestFacts: ctx.requestFacts });

    const handler = definition.handler as (i: unknown, c: OperationContext) => Promise<unknown>;
    const output = await handler(input, ctx);
    const encoded = model.output ? encodeShape(model.output.shape, output ?? {}) : {};
    return reply
      .code(200)
      .header('x-amzn-RequestId', state.requestId)
      .header('content-type', JSON_CONTENT_TYPE)
      .send(Buffer.from(JSON.stringify(encoded)));
  });
};

function requestHead(req: FastifyRequest): SignedRequestHead {
  const url = req.raw.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method,
    rawPath: q === -1 ? url : url.slice(0, q),
    rawQuery: q === -1 ? '' : url.slice(q + 1),
    headers: distinctHeaders(req),
    sourceIp: req.ip,
  };
}

/** Bytes of the body not read yet (all of them when the length is not declared). */
function unreadRemainder(req: FastifyRequest): number {
  if (req.raw.readableEnded) return 0;
  const declared = Number(req.headers['content-length'] ?? Number.POSITIVE_INFINITY);
  return Number.isNaN(declared) ? Number.POSITIVE_INFINITY : declared;
}

/** Node's headersDistinct (repeats kept apart); in-process injection lacks it, so derive it. */
function distinctHeaders(req: FastifyRequest): SignedRequestHead['headers'] {
  const distinct = (req.raw as { headersDistinct?: SignedRequestHead['headers'] }).headersDistinct;
  if (distinct) return distinct;
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value : [String(value)];
  }
  return headers;
}

/** Fastify's own request errors, in AWS's vocabulary. */
function fromFastify(err: FastifyError | Error): unknown {
  const code = (err as FastifyError).code;
  if (typeof code !== 'string' || !code.startsWith('FST_')) return err;
  const status = (err as FastifyError).statusCode ?? 500;
  const name: EcrErrorName | undefined =
    status === 415 ? 'UnknownOperationException' : status === 413 ? 'RequestEntityTooLargeException' : status < 500 ? 'SerializationException' : undefined;
  return name ? new EcrApiError(name) : err;
}

/** Node's "aborted" request error is a ConnResetException: code ECONNRESET. */
function isClientAbort(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'EPIPE';
}

function sendError(reply: FastifyReply, wire: WireError, state: RequestState, log: Logger, cause: unknown): void {
  const fields = { requestId: state.requestId, operation: state.operation, errorType: wire.name, statusCode: wire.statusCode };
  if (wire.fault) log.error({ ...fields, err: cause }, 'ecr request failed');
  else log.info(fields, 'ecr request rejected');
  void reply
    .code(wire.statusCode)
    .header('x-amzn-RequestId', state.requestId)
    .header('content-type', JSON_CONTENT_TYPE)
    .send(Buffer.from(JSON.stringify(wire.body)));
}
