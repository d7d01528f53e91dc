import { canonicalHeaderValue, type QueryParam } from './canonical.js';
import {
  checkDeclaredHash,
  checkPresignWindow,
  checkScope,
  checkSignature,
  checkSignedHeaders,
  lookup,
} from './checks.js';
import { incomplete } from './errors.js';
import { checkAlgorithm, parseAmzDate, type AuthClaims } from './parse.js';
import {
  DEFAULT_MAX_SKEW_MS,
  UNSIGNED_PAYLOAD,
  type PendingSigV4,
  type SigV4RequestHead,
  type VerifiedSigV4,
  type VerifyOptions,
} from './types.js';

/** The query-string form (X-Amz-Algorithm, X-Amz-Credential, ...) used for presigned URLs. */
export async function verifyPresigned<P>(
  req: SigV4RequestHead,
  params: QueryParam[],
  opts: VerifyOptions<P>,
): Promise<PendingSigV4<P>> {
  const get = (name: string): string | undefined => decoded(params, name);
  let missing = '';
  for (const name of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date']) {
    if (!get(name)) missing += `AWS query-string parameters must include '${name}'. `;
  }
  if (missing) throw incomplete(`${missing}Re-examine the query-string parameters.`);
  const claims: AuthClaims = {
    algorithm: get('X-Amz-Algorithm')!,
    credential: get('X-Amz-Credential')!,
    signedHeaders: get('X-Amz-SignedHeaders')!,
    signature: get('X-Amz-Signature')!,
  };
  const dateRaw = get('X-Amz-Date')!;
  const date = parseAmzDate(dateRaw);
  if (!date) {
    throw incomplete(`Date must be in ISO-8601 'basic format'. Got '${dateRaw}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }
  const now = opts.now ?? new Date();
  const skew = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const expiresAt = checkPresignWindow(get('X-Amz-Expires'), dateRaw, date, now, skew, opts);
  const signedHeaders = checkSignedHeaders(claims, opts);
  checkAlgorithm(claims.algorithm);
  const scope = checkScope(claims.credential, dateRaw, opts);
  const sessionToken = get('X-Amz-Security-Token');
  const secret = await lookup(scope, sessionToken, opts);

  // The payload is rarely known to whoever presigns a URL: accept the body's hash (what
  // @smithy/signature-v4 and the AWS test suite use) or UNSIGNED-PAYLOAD (what S3 presigners use),
  // unless the client declared one.
  const declared =
    canonicalHeaderValue(req.headers['x-amz-content-sha256']) ?? get('X-Amz-Content-Sha256');
  const check = (candidates: string[]): void =>
    checkSignature(req, params, 'X-Amz-Signature', signedHeaders, candidates, claims, scope, dateRaw, secret.secretAccessKey);
  if (declared !== undefined) check([declared]);
  const verified: VerifiedSigV4<P> = {
    principal: secret.principal,
    accessKeyId: scope.accessKeyId,
    region: scope.region,
    service: scope.service,
    signedAt: date,
    presigned: true,
    expiresAt,
    ...(sessionToken !== undefined ? { sessionToken } : {}),
  };
  return {
    signatureVerified: declared !== undefined,
    finish(payloadSha256) {
      if (declared === undefined) check([payloadSha256.toLowerCase(), UNSIGNED_PAYLOAD]);
      else checkDeclaredHash(declared, payloadSha256, true);
      return verified;
    },
  };
}

function decoded(params: QueryParam[], name: string): string | undefined {
  const p = params.find((x) => x.name === name);
  if (!p) return undefined;
  try {
    return decodeURIComponent(p.encodedValue);
  } catch {
    return p.encodedValue;
  }
}

