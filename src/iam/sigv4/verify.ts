import { canonicalHeaderValue, parseQuery, type HeaderMap, type QueryParam } from './canonical.js';
import { checkSignedForm, checkSkew } from './checks.js';
import { incomplete, missingToken } from './errors.js';
import { parseAuthorizationHeader, requestDate } from './parse.js';
import { verifyPresigned } from './presigned.js';
import {
  DEFAULT_MAX_SKEW_MS,
  type PendingSigV4,
  type SigV4Request,
  type SigV4RequestHead,
  type VerifiedSigV4,
  type VerifyOptions,
} from './types.js';

/*
 * Server-side SigV4 verification. Written here because the maintained Node signers
 * (@smithy/signature-v4, aws4) only sign; none verifies requests as a server must (raw-path
 * canonicalisation, skew, scope checks, AWS's error texts). The tests check it against the AWS
 * SigV4 test suite and round-trip it with @smithy/signature-v4.
 */

const QUERY_AUTH_NAMES = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'];

export async function verifySigV4<P>(request: SigV4Request, opts: VerifyOptions<P>): Promise<VerifiedSigV4<P>> {
  return (await beginSigV4(request, opts)).finish(request.payloadSha256);
}

/**
 * The checks the headers allow before the body is read, in AWS's order: the form of the
 * Authorization header (or query), the date and skew, the signed headers, the scope, the key (it
 * exists and is active), and, when the client declared the body's hash, the signature itself. A
 * request that fails them is refused without reading a byte of its body.
 */
export async function beginSigV4<P>(req: SigV4RequestHead, opts: VerifyOptions<P>): Promise<PendingSigV4<P>> {
  const params = parseQuery(req.query);
  const authHeader = single(req.headers['authorization']);
  const queryAuth = params.some((p) => QUERY_AUTH_NAMES.includes(p.name));
  if (authHeader !== undefined && queryAuth) {
    throw incomplete(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified',
    );
  }
  if (authHeader !== undefined) {
    if (!authHeader.trim().startsWith('AWS4-')) throw missingToken();
    return verifyHeaderForm(req, authHeader, params, opts);
  }
  if (queryAuth && opts.allowPresigned !== false) return verifyPresigned(req, params, opts);
  throw missingToken();
}

function single(value: HeaderMap[string]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value.length > 1) throw incomplete('Only one Authorization header is allowed.');
  return value[0];
}

async function verifyHeaderForm<P>(
  req: SigV4RequestHead,
  authHeader: string,
  params: QueryParam[],
  opts: VerifyOptions<P>,
): Promise<PendingSigV4<P>> {
  const amzDate = canonicalHeaderValue(req.headers['x-amz-date']);
  const httpDate = canonicalHeaderValue(req.headers['date']);
  const claims = parseAuthorizationHeader(authHeader, amzDate !== undefined || httpDate !== undefined);
  const { raw: dateRaw, date } = requestDate(amzDate, httpDate);
  const now = opts.now ?? new Date();
  checkSkew(dateRaw, date, now, opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS);
  return checkSignedForm(
    req,
    {
      params,
      signatureParam: undefined,
      claims,
      dateRaw,
      date,
      sessionToken: canonicalHeaderValue(req.headers['x-amz-security-token']),
      declaredHash: canonicalHeaderValue(req.headers['x-amz-content-sha256']),
      presigned: false,
    },
    opts,
  );
}
