import { ALGORITHM } from './canonical.js';
import { incomplete } from './errors.js';

/** What the client claims in its Authorization header or presigned query parameters. */
export interface AuthClaims {
  algorithm: string;
  credential: string;
  signedHeaders: string;
  signature: string;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** "20150830T123600Z" -> Date, or undefined when not ISO-8601 basic format. */
export function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Reject 20151340T..., which Date.UTC would roll over.
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60
    ? date
    : undefined;
}

export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The request time: X-Amz-Date, else an ISO-basic or HTTP-date `Date` header. */
export function requestDate(amzDate: string | undefined, httpDate: string | undefined): { raw: string; date: Date } {
  const raw = amzDate ?? httpDate ?? '';
  const iso = parseAmzDate(raw);
  if (iso) return { raw, date: iso };
  if (amzDate === undefined && httpDate !== undefined) {
    const parsed = Date.parse(httpDate);
    if (!Number.isNaN(parsed)) {
      const date = new Date(Math.floor(parsed / 1000) * 1000);
      return { raw: formatAmzDate(date), date };
    }
  }
  throw incomplete(`Date must be in ISO-8601 'basic format'. Got '${raw}'. See http://en.wikipedia.org/wiki/ISO_8601`);
}

/**
 * Parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...". Like AWS, parameters
 * are separated by commas and/or whitespace, so "Credential= AKID/..." is reported as a pair
 * without an equals sign rather than silently accepted.
 */
export function parseAuthorizationHeader(header: string, hasDate: boolean): AuthClaims {
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  const rest = space < 0 ? '' : trimmed.slice(space + 1);
  const params = new Map<string, string>();
  for (const token of rest.split(/[,\s]+/)) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    if (eq < 0) {
      throw incomplete(`'${token}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`);
    }
    params.set(token.slice(0, eq), token.slice(eq + 1));
  }
  let missing = '';
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!params.get(name)) missing += `Authorization header requires '${name}' parameter. `;
  }
  if (!hasDate) missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (missing) throw incomplete(`${missing}Authorization=${header}`);
  return {
    algorithm,
    credential: params.get('Credential')!,
    signedHeaders: params.get('SignedHeaders')!,
    signature: params.get('Signature')!,
  };
}

export function checkAlgorithm(algorithm: string): void {
  if (algorithm !== ALGORITHM) {
    throw incomplete(`Unsupported AWS 'algorithm': '${algorithm}' (only ${ALGORITHM} for now). `);
  }
}

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
}

export function parseCredential(credential: string): CredentialScope {
  const parts = credential.replace(/\/+$/, '').split('/');
  if (parts.length !== 5) {
    throw incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  return { accessKeyId, date, region, service, terminator };
}
