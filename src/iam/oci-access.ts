import type { Logger } from '../util/logger.js';
import { DomainError, noPermissionMapping } from '../domain/errors.js';
import type { MetadataStore } from '../metadata/store.js';
import { BLOB_MOUNTING } from './account-settings.js';
import type { Authorizer } from './authorizer.js';
import type { RegistryTokenAuthenticator } from './registry-auth.js';
import { ANONYMOUS, type Principal } from './principal.js';
import { principalName } from './principals.js';
import { authorizationForV2, type V2RouteKind } from './policy/index.js';
import type { OciAccess, OciOperation, OciRequestInfo, OciTarget } from './ports.js';
import type { RateLimiter } from './rate-limiter.js';
import type { AccountRateQuotas } from './rate-quotas.js';

/** Each /v2 operation as the route kind and method ECR's action mapping is written in. */
const ROUTES: Record<OciOperation, { kind: V2RouteKind | 'blob-delete'; method: string }> = {
  base: { kind: 'base', method: 'GET' },
  catalog: { kind: 'catalog', method: 'GET' },
  'tags.list': { kind: 'tags', method: 'GET' },
  'referrers.list': { kind: 'referrers', method: 'GET' },
  'manifest.get': { kind: 'manifest', method: 'GET' },
  'manifest.head': { kind: 'manifest', method: 'HEAD' },
  'manifest.put': { kind: 'manifest', method: 'PUT' },
  'manifest.delete': { kind: 'manifest', method: 'DELETE' },
  'blob.get': { kind: 'blob', method: 'GET' },
  'blob.head': { kind: 'blob', method: 'HEAD' },
  // ECR has no blob deletion; deleting content is what ecr:BatchDeleteImage guards.
  'blob.delete': { kind: 'blob-delete', method: 'DELETE' },
  'upload.start': { kind: 'upload', method: 'POST' },
  'upload.status': { kind: 'upload', method: 'GET' },
  'upload.patch': { kind: 'upload', method: 'PATCH' },
  'upload.complete': { kind: 'upload', method: 'PUT' },
  'upload.cancel': { kind: 'upload', method: 'DELETE' },
};

const SERVICE = 'ecr.amazonaws.com';

/** Where the bearer challenge sends clients for a token (src/api/token-endpoint.ts). */
export const TOKEN_PATH = '/token';

/** Reads, which the anonymous pull rate limit counts. */
const PULLS: ReadonlySet<OciOperation> = new Set(['manifest.get', 'manifest.head', 'blob.get', 'blob.head', 'tags.list', 'referrers.list', 'catalog']);

export interface IamOciAccessOptions {
  store: Pick<MetadataStore, 'iam' | 'registry'>;
  authorizer: Authorizer;
  tokens: RegistryTokenAuthenticator;
  /** The account anonymous requests address when the host names none. */
  defaultAccountId: string;
  createRepositoryOnPush: boolean;
  /** Anonymous pulls per client address; authenticated requests per account and ECR action (rate-quotas.ts). */
  limits: { anonymous: RateLimiter; authenticated: AccountRateQuotas };
  /** auth.challenge: ECR's Basic challenge, or a Bearer challenge naming the /token endpoint. */
  challenge: 'basic' | 'bearer';
  log: Logger;
}

/**
 * The /v2 side of Berth's access control, shaped after ECR's registry endpoint:
 * - credentials: HTTP Basic `AWS:<registry token>` (what `docker login` stores after
 *   `aws ecr get-login-password`); the token's access key is looked up again on every request;
 * - account: a Host whose first label is a 12-digit account id (`<account>.dkr.ecr.<region>.…`)
 *   addresses that account's registry; otherwise the caller's own account; anonymous callers get
 *   the default account;
 * - permissions: each request needs the ECR actions ECR maps it to (policy/actions.ts), evaluated
 *   by the same Authorizer as the ECR API; pushes that create the repository also need
 *   ecr:CreateRepository;
 * - anonymous callers are refused with 401 and a challenge (ECR's Basic one, or a Bearer one
 *   naming /token) unless a policy lets everyone in (a public repository), and their pulls are
 *   rate-limited per client address.
 */
export class IamOciAccess implements OciAccess {
  constructor(private readonly options: IamOciAccessOptions) {}

  accountFor(request: OciRequestInfo, principal: Principal): string {
    const named = hostAccount(request.headers.host);
    if (named !== undefined) return named;
    return principal.kind === 'anonymous' ? this.options.defaultAccountId : principal.accountId;
  }

  async authenticate(request: OciRequestInfo): Promise<Principal> {
    const header = request.headers.authorization;
    if (header === undefined || header.trim() === '') return ANONYMOUS;
    return this.options.tokens.authenticate(header, request.facts);
  }

  async authorize(principal: Principal, operation: OciOperation, target: OciTarget, request: OciRequestInfo): Promise<void> {
    // The upload handler asks whether the caller may read a mount's source as a blob.get inside a
    // POST: that check is about mounting, which the account may have turned off.
    const mountCheck = operation === 'blob.get' && request.method === 'POST';
    if (mountCheck && target.repository) await this.checkMounting(target.repository.accountId);

    const actions = this.actionsFor(operation, target, request);
    // A request counts once: not the mount's source check, nor the upload a mount falls back to.
    if (!mountCheck && !target.fallback) this.limit(principal, operation, actions, request);
    if (actions.length === 0) {
      if (principal.kind === 'anonymous') throw authenticationRequired();
      return;
    }
    if (target.creates && target.repository && this.options.createRepositoryOnPush) {
      const exists = await this.options.store.registry.getRepository(target.repository.accountId, target.repository.name);
      if (!exists) actions.push('ecr:CreateRepository');
    }
    const resource = target.repository
      ? { kind: 'repository' as const, accountId: target.repository.accountId, name: target.repository.name }
      : { kind: 'repositories' as const, accountId: this.accountFor(request, principal) };
    try {
      await this.options.authorizer.authorize({ principal, actions, resource, facts: request.facts, operation: `v2:${operation}` });
    } catch (err) {
      // Nobody is logged in: ask for credentials (docker sends them only after a 401 challenge).
      if (principal.kind === 'anonymous' && err instanceof DomainError && err.code === 'AccessDenied') throw authenticationRequired();
      throw err;
    }
  }

  challenge(request: OciRequestInfo): string | undefined {
    const host = request.headers.host;
    const base = host !== undefined && /^[A-Za-z0-9.:[\]-]{1,300}$/.test(host) ? `${request.facts.secureTransport ? 'https' : 'http'}://${host}` : '';
    if (this.options.challenge === 'bearer') return `Bearer realm="${base}${TOKEN_PATH}",service="${SERVICE}"`;
    // ECR's challenge, so clients that key anything on it behave as they do against ECR.
    return `Basic realm="${base}/",service="${SERVICE}"`;
  }

  private actionsFor(operation: OciOperation, target: OciTarget, request: OciRequestInfo): string[] {
    const route = ROUTES[operation];
    if (route.kind === 'blob-delete') return ['ecr:BatchDeleteImage'];
    const query = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');
    // A mount (mountFrom) is authorized as one; anything else that starts an upload with a digest
    // stores a blob in this request, mount parameter or not (the handler's fallback when a mount
    // cannot be made asks again without mountFrom).
    const needed = authorizationForV2(route.method, route.kind, {
      mount: target.mountFrom !== undefined,
      monolithic: operation === 'upload.start' && query.has('digest'),
      withData: operation === 'upload.complete' && carriesBody(request),
    });
    // Every operation the router produces has a mapping; refuse rather than allow if one is missing.
    if (!needed) throw noPermissionMapping(operation);
    return [...needed.actions];
  }

  /**
   * Anonymous callers: every pull, per client address. Authenticated ones: per account, against
   * ECR's quota of each action the request needs (a manifest GET is a BatchGetImage).
   */
  private limit(principal: Principal, operation: OciOperation, actions: readonly string[], request: OciRequestInfo): void {
    if (principal.kind === 'anonymous') {
      if (!PULLS.has(operation)) return;
      const decision = this.options.limits.anonymous.take(`ip:${request.facts.sourceIp}`);
      if (decision.allowed) return;
      this.rateLimited(principal, request, {});
      throw new DomainError('TooManyRequests', 'Rate exceeded for anonymous pulls from your address; log in for a higher limit, or retry later', {
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }
    const decision = this.options.limits.authenticated.take(principal.accountId, actions);
    if (decision.allowed) return;
    this.rateLimited(principal, request, { accountId: principal.accountId, quota: decision.action });
    throw new DomainError(
      'TooManyRequests',
      `Rate exceeded: account ${principal.accountId} is over its ecr:${decision.action} quota of ${decision.perSecond} requests per second; retry later`,
      { retryAfterSeconds: decision.retryAfterSeconds },
    );
  }

  private rateLimited(principal: Principal, request: OciRequestInfo, fields: Record<string, unknown>): void {
    this.options.log.info(
      { audit: 'rate-limited', principal: principalName(principal), sourceIp: request.facts.sourceIp, requestId: request.facts.requestId, ...fields },
      'rate limit exceeded',
    );
  }

  private async checkMounting(accountId: string): Promise<void> {
    const value = await this.options.store.iam.getAccountSetting(accountId, BLOB_MOUNTING.name);
    if ((value ?? BLOB_MOUNTING.defaultValue) === 'DISABLED') throw new DomainError('AccessDenied', 'blob mounting is disabled for this registry');
  }
}

/** `<12 digits>.<anything>` names an account, as ECR's `<account>.dkr.ecr.<region>.amazonaws.com` does. */
function hostAccount(host: string | undefined): string | undefined {
  const match = host === undefined ? null : /^(\d{12})\./.exec(host);
  return match ? match[1] : undefined;
}

function carriesBody(request: OciRequestInfo): boolean {
  const length = request.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return request.headers['transfer-encoding'] !== undefined;
}

function authenticationRequired(): DomainError {
  return new DomainError(
    'Unauthenticated',
    'authentication required: log in with `aws ecr get-login-password | docker login --username AWS --password-stdin <registry>`',
  );
}
