import type { IncomingHttpHeaders } from 'node:http';
import type { RepositoryKey } from '../../domain/reference.js';
import { ANONYMOUS, type Principal, type RequestFacts } from '../../iam/principal.js';
import type { OciOperation } from './route.js';

export interface OciRequestInfo {
  method: string;
  /** The request target as received (path and query, still percent-encoded). */
  url: string;
  headers: IncomingHttpHeaders;
  facts: RequestFacts;
}

export interface OciTarget {
  repository?: RepositoryKey;
  /** The source of a cross-repository mount: the caller must be able to pull from it. */
  mountFrom?: RepositoryKey;
  /** Whether the push may create the repository (create-on-push). */
  creates?: boolean;
}

/**
 * How the /v2 adapter authenticates and authorizes. The adapter calls it for every request,
 * before touching any service, so the registry services stay free of access logic. The IAM module
 * provides the real implementation (src/iam/oci-access.ts); `openAccess` serves a registry without
 * authentication, for `auth.mode: none` (development) and tests of the protocol alone.
 */
export interface OciAccess {
  /**
   * The account whose registry the request addresses, given the authenticated caller (the caller's
   * own account is the natural default when the host does not name one).
   */
  accountFor(request: OciRequestInfo, principal: Principal): string;
  /** Establishes who is calling; throws Unauthenticated for bad credentials. */
  authenticate(request: OciRequestInfo): Promise<Principal>;
  /** Throws Unauthenticated (anonymous callers) or AccessDenied when the operation is not allowed. */
  authorize(principal: Principal, operation: OciOperation, target: OciTarget, request: OciRequestInfo): Promise<void>;
  /** The WWW-Authenticate challenge sent with 401 answers, if any. */
  challenge(request: OciRequestInfo): string | undefined;
}

export function openAccess(accountId: string): OciAccess {
  return {
    accountFor: () => accountId,
    authenticate: async () => ANONYMOUS,
    authorize: async () => undefined,
    challenge: () => undefined,
  };
}
