import type { Logger } from '../util/logger.js';
import { invalidParameter, noPermissionMapping } from '../domain/errors.js';
import type { AccessResource, Authorizer } from './authorizer.js';
import type { CredentialResolver } from './credentials.js';
import type { Principal } from './principal.js';
import type { EcrCall, PendingAuthentication, SignedRequestHead } from './ports.js';
import { rootPrincipal } from './principals.js';
import { ECR_OPERATIONS, authorizationForOperation, parseRepositoryArn, type EcrOperation } from './policy/index.js';
import { type PendingSigV4, beginSigV4, isSigV4Error } from './sigv4/index.js';

const OPERATIONS: ReadonlySet<string> = new Set(ECR_OPERATIONS);
const OPEN_ACCESS_KEY_ID = 'BERTHOPENACCESS0';

/**
 * The ECR API's authentication (SigV4 with Berth's access keys) and authorization (the shared
 * Authorizer, for the actions and resources ECR's IAM reference gives each operation).
 */
export class EcrAccess {
  constructor(
    private readonly deps: {
      credentials: CredentialResolver;
      authorizer: Authorizer;
      region: string;
      log: Logger;
      /** auth.mode none: every call is the default account's root, signed or not (development only). */
      open?: { accountId: string };
    },
  ) {}

  /**
   * SigV4 in two steps: the headers first (a request without valid credentials is refused before
   * its body is read), then the body's hash.
   */
  readonly authenticate = async (request: SignedRequestHead): Promise<PendingAuthentication> => {
    if (this.deps.open) {
      // A stand-in key id, so GetAuthorizationToken still hands docker a (never checked) password.
      const root = rootPrincipal(this.deps.open.accountId, OPEN_ACCESS_KEY_ID);
      return { signatureVerified: true, complete: () => root };
    }
    let pending: PendingSigV4<Principal>;
    try {
      pending = await beginSigV4(
        { method: request.method, path: request.rawPath, query: request.rawQuery, headers: request.headers },
        {
          region: this.deps.region,
          services: ['ecr'],
          requiredSignedHeaders: ['x-amz-target'],
          // Berth issues no temporary credentials, so a session token cannot belong to any key.
          lookupSecret: async (accessKeyId, ctx) => (ctx.sessionToken !== undefined ? undefined : this.deps.credentials.lookup(accessKeyId)),
        },
      );
    } catch (err) {
      throw this.refused(request, err);
    }
    return {
      signatureVerified: pending.signatureVerified,
      complete: (payloadSha256) => {
        try {
          return pending.finish(payloadSha256).principal;
        } catch (err) {
          throw this.refused(request, err);
        }
      },
    };
  };

  /** Records an authentication failure for audit; returns the error to throw. */
  private refused(request: SignedRequestHead, err: unknown): unknown {
    if (isSigV4Error(err)) {
      this.deps.log.info({ audit: 'authentication-failed', api: 'ecr', reason: err.awsCode, sourceIp: request.sourceIp }, 'authentication failed');
    }
    return err;
  }

  readonly authorize = async (call: EcrCall): Promise<void> => {
    if (this.deps.open) return;
    if (!OPERATIONS.has(call.operation)) throw noPermissionMapping(call.operation);
    const needed = authorizationForOperation(call.operation as EcrOperation);
    const requestTags = tagsOf(call.input);
    for (const resource of this.resourcesOf(call, needed.resource)) {
      await this.deps.authorizer.authorize({
        principal: call.principal,
        actions: needed.actions,
        resource,
        facts: call.requestFacts,
        operation: `ecr:${call.operation}`,
        ...(requestTags ? { requestTags } : {}),
      });
    }
  };

  /** What a call acts on: its repository (or each named one, or every one), or the registry. */
  private resourcesOf(call: EcrCall, kind: 'repository' | 'registry'): AccessResource[] {
    const { input, accountId } = call;
    if (kind === 'registry') return [{ kind: 'registry', accountId }];
    if (typeof input.repositoryName === 'string') return [{ kind: 'repository', accountId, name: input.repositoryName }];
    if (Array.isArray(input.repositoryNames) && input.repositoryNames.length > 0) {
      return (input.repositoryNames as string[]).map((name) => ({ kind: 'repository', accountId, name }));
    }
    if (typeof input.resourceArn === 'string') {
      const arn = parseRepositoryArn(input.resourceArn);
      if (!arn || arn.region !== this.deps.region) {
        throw invalidParameter('resourceArn', 'Invalid ARN');
      }
      return [{ kind: 'repository', accountId: arn.accountId, name: arn.repositoryName }];
    }
    return [{ kind: 'repositories', accountId }];
  }
}

/** The tags a call sets ([{Key, Value}] in CreateRepository and TagResource), for aws:RequestTag. */
function tagsOf(input: Readonly<Record<string, unknown>>): Record<string, string> | undefined {
  if (!Array.isArray(input.tags)) return undefined;
  const tags: Record<string, string> = {};
  for (const tag of input.tags as { Key?: unknown; Value?: unknown }[]) {
    if (typeof tag?.Key === 'string') tags[tag.Key] = typeof tag.Value === 'string' ? tag.Value : '';
  }
  return tags;
}
