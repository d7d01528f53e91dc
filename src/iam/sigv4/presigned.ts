import { canonicalHeaderValue, type QueryParam } from './canonical.js';
import { checkPresignWindow, checkSignedForm } from './checks.js';
import { incomplete } from './errors.js';
import { parseAmzDate, type AuthClaims } from './parse.js';
import { DEFAULT_MAX_SKEW_MS, type PendingSigV4, type SigV4RequestHead, type VerifyOptions } from './types.js';

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
  return checkSignedForm(
    req,
    {
      params,
      signatureParam: 'X-Amz-Signature',
      claims,
      dateRaw,
      date,
      sessionToken: get('X-Amz-Security-Token'),
      declaredHash: canonicalHeaderValue(req.headers['x-amz-content-sha256']) ?? get('X-Amz-Content-Sha256'),
      presigned: true,
      expiresAt,
    },
    opts,
  );
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

