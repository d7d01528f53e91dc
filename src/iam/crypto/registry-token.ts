import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../../domain/errors.js';
import type { Keyring } from './keyring.js';

/**
 * Registry tokens: the password `docker login` gets from GetAuthorizationToken
 * (authorizationToken = base64("AWS:" + token)) and sends back as HTTP Basic on every /v2 request.
 *
 * Format (dot-separated, all URL-safe):
 *   bt1.<kid>.<accessKeyId>.<issuedAt>.<expiresAt>.<nonce>.<mac>
 *   - kid: the keyring key whose derived "registry-token" key made the MAC (keys rotate)
 *   - accessKeyId: the SigV4 key that asked for the token; issuedAt/expiresAt: Unix seconds
 *   - nonce: 12 random bytes, base64url, so two tokens issued in the same second differ
 *   - mac: base64url HMAC-SHA256 over everything before it
 * The token holds no secret and no permissions. It names an access key, and every use looks that
 * key up again, so deleting or deactivating the key invalidates its tokens at once, and policy
 * changes apply to the next request rather than at the next login.
 */
const PREFIX = 'bt1';
const PURPOSE = 'registry-token';
const REGISTRY_TOKEN_TTL_SECONDS = 12 * 60 * 60;

export interface IssuedRegistryToken {
  token: string;
  expiresAt: Date;
}

export function issueRegistryToken(
  keyring: Keyring,
  accessKeyId: string,
  opts: { now?: Date; ttlSeconds?: number } = {},
): IssuedRegistryToken {
  if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId)) throw new DomainError('InvalidParameter', 'access key id is not well formed');
  const issuedAt = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const expiresAt = issuedAt + (opts.ttlSeconds ?? REGISTRY_TOKEN_TTL_SECONDS);
  const kid = keyring.activeKid;
  const body = [PREFIX, kid, accessKeyId, issuedAt, expiresAt, randomBytes(12).toString('base64url')].join('.');
  return { token: `${body}.${mac(keyring.derive(kid, PURPOSE)!, body)}`, expiresAt: new Date(expiresAt * 1000) };
}

export interface RegistryTokenClaims {
  accessKeyId: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** Checks form, MAC and expiry. Throws DomainError('Unauthenticated') with a reason. */
export function verifyRegistryToken(keyring: Keyring, token: string, opts: { now?: Date } = {}): RegistryTokenClaims {
  const parts = token.split('.');
  if (parts.length !== 7 || parts[0] !== PREFIX) throw invalid('malformed');
  const [, kid, accessKeyId, issuedText, expiresText, , macText] = parts as [string, string, string, string, string, string, string];
  const key = keyring.derive(kid, PURPOSE);
  if (!key) throw invalid('unknown-key');
  const expected = Buffer.from(mac(key, parts.slice(0, 6).join('.')), 'utf8');
  const given = Buffer.from(macText, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid('bad-signature');
  const issuedAt = Number(issuedText);
  const expiresAt = Number(expiresText);
  if (!Number.isSafeInteger(issuedAt) || !Number.isSafeInteger(expiresAt)) throw invalid('malformed');
  if ((opts.now ?? new Date()).getTime() >= expiresAt * 1000) {
    throw new DomainError('Unauthenticated', 'Your authorization token has expired. Reauthenticate and try again.', {
      reason: 'expired',
    });
  }
  return { accessKeyId, issuedAt: new Date(issuedAt * 1000), expiresAt: new Date(expiresAt * 1000) };
}

/**
 * verifyRegistryToken plus the lookup that makes key deletion effective: `lookupKey` returns the
 * principal for an access key that still exists and is active, else undefined.
 */
export async function authenticateRegistryToken<P>(
  keyring: Keyring,
  token: string,
  lookupKey: (accessKeyId: string) => Promise<P | undefined>,
  opts: { now?: Date } = {},
): Promise<{ principal: P; claims: RegistryTokenClaims }> {
  const claims = verifyRegistryToken(keyring, token, opts);
  const principal = await lookupKey(claims.accessKeyId);
  if (principal === undefined) throw invalid('key-revoked');
  return { principal, claims };
}

/** ECR's authorizationToken field: base64("AWS:" + token). */
export function encodeAuthorizationToken(token: string): string {
  return Buffer.from(`AWS:${token}`, 'utf8').toString('base64');
}

/** Reads "Basic base64(user:password)"; undefined when the header is not Basic auth. */
export function parseBasicAuth(header: string | undefined): { username: string; password: string } | undefined {
  const m = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body, 'utf8').digest('base64url');
}

function invalid(reason: string): DomainError {
  return new DomainError('Unauthenticated', 'Your authorization token is invalid. Reauthenticate and try again.', { reason });
}
