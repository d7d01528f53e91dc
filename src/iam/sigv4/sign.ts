import { canonicalQuery, canonicalRequest, canonicalUri, parseQuery, stringToSign, ALGORITHM, TERMINATOR } from './canonical.js';
import { uriEncode } from './encoding.js';
import { formatAmzDate } from './parse.js';
import { deriveSigningKey, signatureHex } from './signing-key.js';
import { MAX_PRESIGN_EXPIRES_SECONDS, UNSIGNED_PAYLOAD } from './types.js';

/**
 * Signing, for URLs Berth hands out itself (GetDownloadUrlForLayer) and for tests. Uses the same
 * canonicalisation as verification, so whatever this signs, verifySigV4 accepts.
 */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface PresignInput {
  method: string;
  /** Host (and port, if not the default) the URL will be requested from; signed as `host`. */
  host: string;
  /** Path as it will be sent (already percent-encoded). */
  path: string;
  /** Extra query parameters, unencoded. */
  query?: Readonly<Record<string, string>>;
  credentials: SigningCredentials;
  region: string;
  service: string;
  now?: Date;
  expiresSeconds: number;
}

/** Returns the full query string (without "?") carrying the signature. */
export function presignQuery(input: PresignInput): string {
  if (!Number.isInteger(input.expiresSeconds) || input.expiresSeconds < 1 || input.expiresSeconds > MAX_PRESIGN_EXPIRES_SECONDS) {
    throw new RangeError(`expiresSeconds must be an integer from 1 to ${MAX_PRESIGN_EXPIRES_SECONDS}`);
  }
  const amzDate = formatAmzDate(input.now ?? new Date());
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${input.region}/${input.service}/${TERMINATOR}`;
  const params: Record<string, string> = {
    ...input.query,
    'X-Amz-Algorithm': ALGORITHM,
    'X-Amz-Credential': `${input.credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(input.expiresSeconds),
    'X-Amz-SignedHeaders': 'host',
    ...(input.credentials.sessionToken ? { 'X-Amz-Security-Token': input.credentials.sessionToken } : {}),
  };
  const query = Object.entries(params)
    .map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`)
    .join('&');
  const canonical = canonicalRequest({
    method: input.method,
    canonicalUri: canonicalUri(input.path),
    canonicalQuery: canonicalQuery(parseQuery(query)),
    headers: { host: input.host },
    signedHeaders: ['host'],
    payloadHash: UNSIGNED_PAYLOAD,
  });
  const key = deriveSigningKey(input.credentials.secretAccessKey, date, input.region, input.service);
  return `${query}&X-Amz-Signature=${signatureHex(key, stringToSign(amzDate, scope, canonical))}`;
}

export interface SignHeadersInput {
  method: string;
  path: string;
  query?: string;
  /** Lower-case names; must include host. All of them are signed. */
  headers: Readonly<Record<string, string>>;
  payloadSha256: string;
  credentials: SigningCredentials;
  region: string;
  service: string;
  now?: Date;
}

/** Returns the headers to add: authorization, x-amz-date (and x-amz-security-token). */
export function signHeaders(input: SignHeadersInput): Record<string, string> {
  const amzDate = formatAmzDate(input.now ?? new Date());
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${input.region}/${input.service}/${TERMINATOR}`;
  const added: Record<string, string> = { 'x-amz-date': amzDate };
  if (input.credentials.sessionToken) added['x-amz-security-token'] = input.credentials.sessionToken;
  const headers = { ...input.headers, ...added };
  const signedHeaders = Object.keys(headers).map((h) => h.toLowerCase()).sort();
  const canonical = canonicalRequest({
    method: input.method,
    canonicalUri: canonicalUri(input.path),
    canonicalQuery: canonicalQuery(parseQuery(input.query ?? '')),
    headers,
    signedHeaders,
    // A declared x-amz-content-sha256 is what gets signed (UNSIGNED-PAYLOAD included).
    payloadHash: headers['x-amz-content-sha256'] ?? input.payloadSha256,
  });
  const key = deriveSigningKey(input.credentials.secretAccessKey, date, input.region, input.service);
  const signature = signatureHex(key, stringToSign(amzDate, scope, canonical));
  return {
    ...added,
    authorization: `${ALGORITHM} Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
  };
}
