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
  /**
   * The source of a cross-repository mount: the request is authorized as a mount, and the caller
   * must be able to pull from the source. A mount that cannot be made falls back to an upload,
   * which the adapter authorizes again, as that upload (the same target without mountFrom).
   */
  mountFrom?: RepositoryKey;
  /** Whether the push may create the repository (create-on-push). */
  creates?: boolean;
  /** The upload a mount that could not be made falls back to: authorized again, not counted again by rate limits. */
  fallback?: boolean;
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

/** What ECR authentication sees of a request before its body is read: enough to check a SigV4 signature's claims. */
export interface SignedRequestHead {
  method: string;
  /** Path exactly as sent (still percent-encoded), without the query. */
  rawPath: string;
  /** Query string as sent, without '?'; '' when absent. */
  rawQuery: string;
  /** Lower-case names; every header as the list of values received (SigV4 joins repeats with ","). */
  headers: Readonly<Record<string, readonly string[] | undefined>>;
  sourceIp: string;
}

/**
 * ECR authentication after the headers: they name a valid, active key, with the right date, scope
 * and signed headers, so the body is worth reading. Whatever failed those checks was refused
 * before a byte of the body was read.
 */
export interface PendingAuthentication {
  /**
   * Whether the signature is verified already (the client signed the body hash it declared, as
   * the AWS SDKs do), so only the body's match with that hash is left; when false (the AWS CLI
   * declares none), the body still has to prove the signature.
   */
  readonly signatureVerified: boolean;
  /** Finishes with the body's SHA-256 (lower-case hex): the caller, or the SigV4 failure thrown. */
  complete(payloadSha256: string): Principal;
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
