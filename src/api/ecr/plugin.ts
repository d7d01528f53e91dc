/**
 * The ECR control-plane API (AWS JSON 1.1) as an encapsulated fastify plugin, served on the same
 * listener as /v2:  app.register(ecrApiPlugin, options).
 *
 * POST / with X-Amz-Target AmazonEC2ContainerRegistry_V20150921.<Operation>:
 *   1. unknown target, non-JSON content type, or an operation without a handler
 *      -> UnknownOperationException (the last with a message saying Berth lacks it)
 *   2. authenticate (SigV4 over method, raw path/query, headers and the body's SHA-256)
 *   3. JSON, types and model constraints -> SerializationException / InvalidParameterException
 *   4. authorize (IAM policies for the operation's actions and resource) -> AccessDeniedException
 *   5. handler(input, ctx) -> output serialised per the model, or its error per errors.ts
 * Every answer carries x-amzn-RequestId and Content-Type application/x-amz-json-1.1 (bodies are
 * sent as Buffers so fastify does not append a charset AWS never sends).
 */
import { setRequestPrincipal } from '../audit-hook.js';
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../iam/principal.js';
import type { EcrCall, SignedRequest } from '../../iam/ports.js';
import { EMPTY_SHA256, readBody } from './body.js';
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
   * Establishes the caller (typically verifySigV4 from src/iam/sigv4: the request maps onto
   * SigV4Request as path = rawPath, query = rawQuery). To reject, throw a SigV4Error or a
   * DomainError ('Unauthenticated', 'AccessDenied', ...); each is sent as AWS would. An anonymous
   * principal is answered with MissingAuthenticationTokenException.
   */
  authenticate: (request: SignedRequest) => Promise<Principal>;
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
  pageTokenTtlSeconds?: number;
}

interface RequestState {
  requestId: string;
  operation?: EcrOperationName;
  errors?: AnyOperationDefinition['errors'];
}

export const ecrApiPlugin: FastifyPluginAsync<EcrApiPluginOptions> = async (app, options) => {
  const registry = operationRegistry(options.operations);
  if (typeof options.registryHostTemplate === 'string') checkHostTemplate(options.registryHostTemplate);
  const limits: BodyLimits = { ...DEFAULT_BODY_LIMITS, ...options.bodyLimits };
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

  // Every body is read raw (whatever its content type) so the signature can cover its exact bytes
  // and a wrong content type is answered in AWS's terms rather than fastify's 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (req, payload, done) => {
    const limit = bodyLimitFor(operationFromTarget(req.headers['x-amz-target']), limits);
    readBody(payload, limit, req.headers['content-length']).then(
      (body) => done(null, body),
      (err: Error) => done(err, undefined),
    );
  });

  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    const state = stateOf(req);
    sendError(reply, toWireError(fromFastify(err), state.errors), state, req.log, err);
  });

  app.post('/', async (req, reply) => {
    const state = stateOf(req);
    const operation = operationFromTarget(req.headers['x-amz-target']) as EcrOperationName | undefined;
    if (!operation) throw new EcrApiError('UnknownOperationException');
    state.operation = operation;
    if (!isJsonContentType(req.headers['content-type'])) throw new EcrApiError('UnknownOperationException');
    const definition = registry.get(operation);
    if (!definition) {
      throw new EcrApiError('UnknownOperationException', `Berth does not implement the ECR operation ${operation}`);
    }
    state.errors = definition.errors;

    const body = (req.body as RequestBody | undefined) ?? { raw: Buffer.alloc(0), sha256: EMPTY_SHA256 };
    const principal = await options.authenticate(authenticationRequest(req, body));
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

function authenticationRequest(req: FastifyRequest, body: RequestBody): SignedRequest {
  const url = req.raw.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method,
    rawPath: q === -1 ? url : url.slice(0, q),
    rawQuery: q === -1 ? '' : url.slice(q + 1),
    headers: distinctHeaders(req),
    payloadSha256: body.sha256,
    sourceIp: req.ip,
  };
}

/** Node's headersDistinct (repeats kept apart); in-process injection lacks it, so derive it. */
function distinctHeaders(req: FastifyRequest): SignedRequest['headers'] {
  const distinct = (req.raw as { headersDistinct?: SignedRequest['headers'] }).headersDistinct;
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
