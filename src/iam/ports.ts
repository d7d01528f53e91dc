/**
 * What the HTTP adapters and IAM exchange, in neither's terms: the adapters build these from their
 * requests and call IAM through them (adapters may import services; IAM never imports an adapter).
 */
import type { RepositoryKey } from '../domain/reference.js';
import type { AuthenticatedPrincipal, Principal, RequestFacts } from './principal.js';

/** The /v2 (OCI Distribution) operations, as the /v2 adapter's router names them. */
export type OciOperation =
  | 'base'
  | 'catalog'
  | 'tags.list'
  | 'manifest.get'
  | 'manifest.head'
  | 'manifest.put'
  | 'manifest.delete'
  | 'blob.get'
  | 'blob.head'
  | 'blob.delete'
  | 'upload.start'
  | 'upload.status'
  | 'upload.patch'
  | 'upload.complete'
  | 'upload.cancel'
  | 'referrers.list';

/** A /v2 request, as much as access decisions read of it. */
export interface OciRequestInfo {
  method: string;
  /** The request target as received (path and query, still percent-encoded). */
  url: string;
  /** Lower-case header names (Node's IncomingHttpHeaders fits). */
  headers: {
    host?: string;
    authorization?: string;
    'content-length'?: string;
    'transfer-encoding'?: string;
    [name: string]: string | string[] | undefined;
  };
  facts: RequestFacts;
}

/** What a /v2 operation acts on. */
export interface OciTarget {
  repository?: RepositoryKey;
  /** The source of a cross-repository mount: the caller must be able to pull from it. */
  mountFrom?: RepositoryKey;
  /** Whether the push may create the repository (create-on-push). */
  creates?: boolean;
}

/**
 * How the /v2 adapter authenticates and authorizes. The adapter calls it for every request,
 * before touching any service, so the registry services stay free of access logic. IAM provides
 * the real implementation (oci-access.ts); the adapter's `openAccess` serves a registry without
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

/** What ECR authentication sees of a request: enough to verify a SigV4 signature. */
export interface SignedRequest {
  method: string;
  /** Path exactly as sent (still percent-encoded), without the query. */
  rawPath: string;
  /** Query string as sent, without '?'; '' when absent. */
  rawQuery: string;
  /** Lower-case names; every header as the list of values received (SigV4 joins repeats with ","). */
  headers: Readonly<Record<string, readonly string[] | undefined>>;
  /** Lower-case hex SHA-256 of the body bytes. */
  payloadSha256: string;
  sourceIp: string;
}

/** What ECR authorization sees: an authenticated, validated call, before its handler runs. */
export interface EcrCall {
  /** The ECR operation name (`CreateRepository`, ...). */
  operation: string;
  principal: AuthenticatedPrincipal;
  /** The input, validated against the API model. */
  input: Readonly<Record<string, unknown>>;
  /** The account the call acts on: its registryId member when present, else the caller's. */
  accountId: string;
  requestFacts: RequestFacts;
}
