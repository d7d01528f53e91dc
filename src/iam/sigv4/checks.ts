import { timingSafeEqual } from 'node:crypto';
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  stringToSign,
  TERMINATOR,
  type QueryParam,
} from './canonical.js';
import { SIGNATURE_MISMATCH_MESSAGE, incomplete, invalidSignature, unrecognizedClient } from './errors.js';
import { checkAlgorithm, formatAmzDate, parseCredential, type AuthClaims, type CredentialScope } from './parse.js';
import { deriveSigningKey, signatureHex } from './signing-key.js';
import {
  MAX_PRESIGN_EXPIRES_SECONDS,
  UNSIGNED_PAYLOAD,
  type PendingSigV4,
  type SecretRecord,
  type SigV4RequestHead,
  type VerifiedSigV4,
  type VerifyOptions,
} from './types.js';

/* The checks shared by the header and presigned forms, applied in the order AWS applies them. */

export function checkSkew(dateRaw: string, date: Date, now: Date, skewMs: number): void {
  const minutes = `${Math.round(skewMs / 60000)} min.`;
  if (date.getTime() < now.getTime() - skewMs) {
    throw invalidSignature(
      `Signature expired: ${dateRaw} is now earlier than ${formatAmzDate(new Date(now.getTime() - skewMs))} (${formatAmzDate(now)} - ${minutes})`,
    );
  }
  checkNotFuture(dateRaw, date, now, skewMs);
}

function checkNotFuture(dateRaw: string, date: Date, now: Date, skewMs: number): void {
  if (date.getTime() > now.getTime() + skewMs) {
    throw invalidSignature(
      `Signature not yet current: ${dateRaw} is still later than ${formatAmzDate(new Date(now.getTime() + skewMs))} (${formatAmzDate(now)} + ${Math.round(skewMs / 60000)} min.)`,
    );
  }
}

export function checkPresignWindow<P>(
  expiresRaw: string | undefined,
  dateRaw: string,
  date: Date,
  now: Date,
  skewMs: number,
  opts: VerifyOptions<P>,
): Date {
  const limit = opts.maxPresignExpiresSeconds ?? MAX_PRESIGN_EXPIRES_SECONDS;
  if (expiresRaw === undefined) {
    // No X-Amz-Expires: the URL is good for the same window as a header-signed request.
    checkSkew(dateRaw, date, now, skewMs);
    return new Date(date.getTime() + skewMs);
  }
  if (!/^\d+$/.test(expiresRaw)) throw incomplete('X-Amz-Expires should be a number');
  const expires = Number(expiresRaw);
  if (expires > limit) {
    throw incomplete(`X-Amz-Expires must be less than a week (in seconds) that is ${limit}`);
  }
  checkNotFuture(dateRaw, date, now, skewMs);
  const expiresAt = new Date(date.getTime() + expires * 1000);
  if (now.getTime() > expiresAt.getTime()) {
    throw invalidSignature(
      `Signature expired: ${dateRaw} is now earlier than ${formatAmzDate(new Date(now.getTime() - expires * 1000))} (${formatAmzDate(now)} - ${expires} sec.)`,
    );
  }
  return expiresAt;
}

function checkSignedHeaders<P>(claims: AuthClaims, opts: VerifyOptions<P>): string[] {
  const names = claims.signedHeaders.split(';').map((n) => n.trim().toLowerCase());
  if (!names.includes('host') && !names.includes(':authority')) {
    throw invalidSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  for (const required of opts.requiredSignedHeaders ?? []) {
    if (!names.includes(required.toLowerCase())) {
      throw invalidSignature(`'${required}' must be a 'SignedHeader' in the AWS Authorization.`);
    }
  }
  return names;
}

function checkScope<P>(credential: string, dateRaw: string, opts: VerifyOptions<P>): CredentialScope {
  const scope = parseCredential(credential);
  let problems = '';
  if (scope.region !== opts.region) {
    problems += `Credential should be scoped to a valid region, not '${scope.region}'. `;
  }
  if (!opts.services.includes(scope.service)) {
    problems += `Credential should be scoped to correct service: '${opts.services[0] ?? ''}'. `;
  }
  if (scope.terminator !== TERMINATOR) {
    problems += `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${scope.terminator}'. `;
  }
  if (scope.date !== dateRaw.slice(0, 8)) {
    problems +=
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ` +
      `'${scope.date}' != '${dateRaw.slice(0, 8)}', from '${dateRaw}'.`;
  }
  if (problems) throw invalidSignature(problems.trim());
  return scope;
}

async function lookup<P>(
  scope: CredentialScope,
  sessionToken: string | undefined,
  opts: VerifyOptions<P>,
): Promise<SecretRecord<P>> {
  const found = await opts.lookupSecret(scope.accessKeyId, sessionToken !== undefined ? { sessionToken } : {});
  if (!found) throw unrecognizedClient();
  return found;
}

function checkSignature(
  req: SigV4RequestHead,
  params: QueryParam[],
  excludeParam: string | undefined,
  signedHeaders: string[],
  payloadHashes: string[],
  claims: AuthClaims,
  scope: CredentialScope,
  dateRaw: string,
  secret: string,
): void {
  const key = deriveSigningKey(secret, scope.date, scope.region, scope.service);
  const scopeString = `${scope.date}/${scope.region}/${scope.service}/${TERMINATOR}`;
  const provided = Buffer.from(claims.signature.toLowerCase(), 'utf8');
  let first: { canonical: string; toSign: string } | undefined;
  let ok = false;
  for (const payloadHash of payloadHashes) {
    const canonical = canonicalRequest({
      method: req.method,
      canonicalUri: canonicalUri(req.path),
      canonicalQuery: canonicalQuery(params, excludeParam),
      headers: req.headers,
      signedHeaders,
      payloadHash,
    });
    const toSign = stringToSign(dateRaw, scopeString, canonical);
    first ??= { canonical, toSign };
    const expected = Buffer.from(signatureHex(key, toSign), 'utf8');
    // Every candidate is compared, so timing does not reveal which one matched.
    if (expected.length === provided.length && timingSafeEqual(expected, provided)) ok = true;
  }
  if (!ok) {
    throw invalidSignature(
      `${SIGNATURE_MISMATCH_MESSAGE}\n\nThe Canonical String for this request should have been\n'${first!.canonical}'\n\n` +
        `The String-to-Sign should have been\n'${first!.toSign}'\n`,
    );
  }
}

function checkDeclaredHash(declared: string, actual: string, presigned: boolean): void {
  if (declared === UNSIGNED_PAYLOAD && presigned) return;
  if (declared === UNSIGNED_PAYLOAD) {
    throw invalidSignature("'x-amz-content-sha256' may be UNSIGNED-PAYLOAD only for presigned URLs.");
  }
  if (declared.toLowerCase() !== actual.toLowerCase()) {
    throw invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
}

/** What either form read from the request, its date checked (skew, or a presigned URL's window). */
export interface SignedForm {
  params: QueryParam[];
  /** The query parameter that carries the signature (left out of the canonical query), if any. */
  signatureParam: string | undefined;
  claims: AuthClaims;
  dateRaw: string;
  date: Date;
  sessionToken: string | undefined;
  /** The payload hash the client declared, if it did. */
  declaredHash: string | undefined;
  presigned: boolean;
  /** For presigned URLs: when the URL stops working. */
  expiresAt?: Date;
}

/**
 * The rest of the checks, common to both forms, in AWS's order: signed headers, algorithm, scope,
 * a known key, and — when the client declared the body's hash — the signature itself. All of them
 * need only the request's head, so a request that fails them is refused before its body is read;
 * `finish` does what is left with the body's hash.
 */
export async function checkSignedForm<P>(req: SigV4RequestHead, form: SignedForm, opts: VerifyOptions<P>): Promise<PendingSigV4<P>> {
  const { claims, dateRaw, sessionToken, declaredHash, presigned } = form;
  const signedHeaders = checkSignedHeaders(claims, opts);
  checkAlgorithm(claims.algorithm);
  const scope = checkScope(claims.credential, dateRaw, opts);
  const secret = await lookup(scope, sessionToken, opts);
  const check = (candidates: string[]): void =>
    checkSignature(req, form.params, form.signatureParam, signedHeaders, candidates, claims, scope, dateRaw, secret.secretAccessKey);
  if (declaredHash !== undefined) {
    check([declaredHash]);
    // Only presigned URLs may leave the body unsigned; no body makes a header-signed one right.
    if (declaredHash === UNSIGNED_PAYLOAD) checkDeclaredHash(declaredHash, '', presigned);
  }
  const verified: VerifiedSigV4<P> = {
    principal: secret.principal,
    accessKeyId: scope.accessKeyId,
    region: scope.region,
    service: scope.service,
    signedAt: form.date,
    presigned,
    ...(form.expiresAt !== undefined ? { expiresAt: form.expiresAt } : {}),
    ...(sessionToken !== undefined ? { sessionToken } : {}),
  };
  return {
    signatureVerified: declaredHash !== undefined,
    finish(payloadSha256) {
      const actual = payloadSha256.toLowerCase();
      if (declaredHash !== undefined) {
        checkDeclaredHash(declaredHash, actual, presigned);
      } else {
        // The payload is rarely known to whoever presigns a URL: accept the body's hash (what
        // @smithy/signature-v4 and the AWS test suite use) or UNSIGNED-PAYLOAD (what S3 presigners use).
        check(presigned ? [actual, UNSIGNED_PAYLOAD] : [actual]);
      }
      return verified;
    },
  };
}
