import type { HeaderMap } from './canonical.js';

/** A transport-neutral view of the request as received, before its body is read. */
export interface SigV4RequestHead {
  method: string;
  /** Raw path as received (still percent-encoded), without the query string. */
  path: string;
  /** Raw query string without the leading "?". */
  query: string;
  /** Lower-case names; repeated headers as arrays (Node: `req.headersDistinct`). */
  headers: HeaderMap;
}

/** The request as received, body hash included. */
export interface SigV4Request extends SigV4RequestHead {
  /** Hex SHA-256 of the body, computed by the caller while reading it. */
  payloadSha256: string;
}

export interface SecretRecord<P> {
  secretAccessKey: string;
  principal: P;
}

export interface VerifyOptions<P> {
  /** Called for every request (no caching here), so a deleted or disabled key fails at once. */
  lookupSecret(accessKeyId: string, ctx: { sessionToken?: string }): Promise<SecretRecord<P> | undefined>;
  /** The deployment's region; the credential scope must name it. */
  region: string;
  /** Accepted signing names, e.g. ['ecr']; the first is named in errors. */
  services: readonly string[];
  now?: Date;
  /** Allowed clock difference for header-signed requests; AWS (and ECR) use 15 minutes. */
  maxSkewMs?: number;
  /** Headers that must be signed besides host (e.g. 'x-amz-target' for the ECR API). */
  requiredSignedHeaders?: readonly string[];
  /** Accept the presigned query-string form. Default true. */
  allowPresigned?: boolean;
  /** Longest X-Amz-Expires accepted; AWS's limit is 604800 (7 days). */
  maxPresignExpiresSeconds?: number;
}

export interface VerifiedSigV4<P> {
  principal: P;
  accessKeyId: string;
  region: string;
  service: string;
  signedAt: Date;
  presigned: boolean;
  /** For presigned URLs: when the URL stops working. */
  expiresAt?: Date;
  sessionToken?: string;
}

/**
 * A request whose headers passed every check they can pass alone (form, date, scope, signed
 * headers, a known key), so its body is worth reading; `finish` does the rest with the body's hash.
 */
export interface PendingSigV4<P> {
  /**
   * Whether the signature is verified already: the client declared the body's hash
   * (x-amz-content-sha256, as the AWS SDKs do) and signed it, so `finish` only checks the body
   * against that hash. Otherwise (the AWS CLI sends no such header) the signature covers a hash
   * only the body gives, and `finish` checks it.
   */
  readonly signatureVerified: boolean;
  /** Completes the verification with the body's hex SHA-256; throws a SigV4Error. */
  finish(payloadSha256: string): VerifiedSigV4<P>;
}

export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;
export const MAX_PRESIGN_EXPIRES_SECONDS = 604800;
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

