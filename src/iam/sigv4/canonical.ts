import { createHash } from 'node:crypto';
import { normaliseEncoding, uriEncode } from './encoding.js';

/**
 * The canonical request of SigV4 for non-S3 services, computed from the request as received.
 *
 * Canonical URI: the raw path is normalised (empty and "." segments dropped, ".." pops) and then
 * URI-encoded once more. Because the raw path is already percent-encoded on the wire, this is the
 * "encode each segment twice" rule of the AWS docs; it is what @smithy/signature-v4 does with
 * `uriEscapePath: true` (the default for every service but S3), and what the AWS test suite's
 * "-normalized" vectors expect: "/example/.." -> "/", "//example//" -> "/example/".
 */
export function canonicalUri(rawPath: string): string {
  const path = rawPath === '' ? '/' : rawPath;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const leading = path.startsWith('/') ? '/' : '';
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return leading + segments.map(uriEncode).join('/') + trailing;
}

export interface QueryParam {
  /** Decoded name, for lookups such as X-Amz-Signature. */
  name: string;
  /** SigV4-encoded name and value, as they appear in the canonical query string. */
  encodedName: string;
  encodedValue: string;
}

/** Splits a raw query string ("a=1&b=%20") into parameters, keeping repeats and order. */
export function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const encodedName = normaliseEncoding(rawName);
    params.push({
      name: decodeURIComponentSafe(rawName),
      encodedName,
      encodedValue: normaliseEncoding(rawValue),
    });
  }
  return params;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Sorted by encoded name, then encoded value; `exclude` drops X-Amz-Signature for presigned URLs. */
export function canonicalQuery(params: readonly QueryParam[], exclude?: string): string {
  return params
    .filter((p) => exclude === undefined || p.name.toLowerCase() !== exclude.toLowerCase())
    .map((p) => [p.encodedName, p.encodedValue] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join('&');
}

export type HeaderValue = string | readonly string[] | undefined;
export type HeaderMap = Readonly<Record<string, HeaderValue>>;

/**
 * A header's canonical value: each received value trimmed with runs of whitespace folded to one
 * space, repeated headers joined with "," in the order received (AWS's rule; note Node's
 * `req.headers` joins repeats with ", ", so adapters should pass `req.headersDistinct`).
 */
export function canonicalHeaderValue(value: HeaderValue): string | undefined {
  if (value === undefined) return undefined;
  const values = typeof value === 'string' ? [value] : value;
  return values.map((v) => v.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '')).join(',');
}

export interface CanonicalRequestParts {
  method: string;
  canonicalUri: string;
  canonicalQuery: string;
  headers: HeaderMap;
  /** Lower-case names, in the order the client listed them. */
  signedHeaders: readonly string[];
  payloadHash: string;
}

function headerLookup(headers: HeaderMap, name: string): HeaderValue {
  const v = headers[name];
  // HTTP/2 carries the host in :authority.
  if (v === undefined && name === 'host') return headers[':authority'];
  return v;
}

export function canonicalRequest(parts: CanonicalRequestParts): string {
  const lines = parts.signedHeaders.map(
    (name) => `${name}:${canonicalHeaderValue(headerLookup(parts.headers, name)) ?? ''}\n`,
  );
  return [
    parts.method.toUpperCase(),
    parts.canonicalUri,
    parts.canonicalQuery,
    lines.join(''),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const TERMINATOR = 'aws4_request';

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  const hash = createHash('sha256').update(canonical, 'utf8').digest('hex');
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${hash}`;
}
