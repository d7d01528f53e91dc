import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  authenticateRegistryToken,
  createKeyringFile,
  encodeAuthorizationToken,
  generateAccessKeyId,
  generateSecretAccessKey,
  isAccessKeyId,
  isSecretAccessKey,
  issueRegistryToken,
  loadKeyringFile,
  needsReseal,
  open,
  parseBasicAuth,
  parseKeyring,
  reseal,
  seal,
  verifyRegistryToken,
} from '../../../src/iam/crypto/index.js';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const dir = mkdtempSync(join(tmpdir(), 'berth-iam-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keyring', () => {
  it('parses kid:base64 entries, first one active', () => {
    const ring = parseKeyring(`# comment\nold:${k1}\n\nnew:${k2}\n`);
    expect(ring.activeKid).toBe('old');
    expect(ring.kids()).toEqual(['old', 'new']);
    expect(parseKeyring(`old:${k1},new:${k2}`, 'new').activeKid).toBe('new');
  });

  it.each([
    ['', 'no key-encryption key was given'],
    [`bad kid!:${k1}`, 'each key-encryption key must be written as <kid>:<base64 key>'],
    ['a:c2hvcnQ=', 'key-encryption key "a" must be 32 bytes'],
    [`a:${k1}\na:${k2}`, 'key-encryption key id "a" appears twice'],
  ])('rejects %j', (text, message) => {
    expect(() => parseKeyring(text)).toThrow(message);
  });

  it('rejects an active kid that is not loaded', () => {
    expect(() => parseKeyring(`a:${k1}`, 'b')).toThrow('the active key-encryption key "b" is not among the loaded keys');
  });

  it('creates a 0600 key file and refuses to load one others can read', () => {
    const path = join(dir, 'kek');
    const created = createKeyringFile(path, 'first');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadKeyringFile(path).key('first')).toEqual(created.key('first'));
    expect(() => createKeyringFile(path)).toThrow();
    chmodSync(path, 0o644);
    expect(() => loadKeyringFile(path)).toThrow('must not be readable by group or others (chmod 600)');
  });

  it('writes nothing but the key in the file', () => {
    const path = join(dir, 'kek2');
    createKeyringFile(path, 'k');
    expect(readFileSync(path, 'utf8')).toMatch(/^# .*\nk:[A-Za-z0-9+/]{43}=\n$/);
  });
});

describe('secret box', () => {
  const ring = parseKeyring(`a:${k1}`);

  it('round-trips and never contains the plaintext', () => {
    const secret = generateSecretAccessKey();
    const sealed = seal(ring, secret, 'AKIAEXAMPLE');
    expect(sealed).toMatch(/^bsb1\.a\./);
    expect(sealed).not.toContain(secret);
    expect(open(ring, sealed, 'AKIAEXAMPLE')).toBe(secret);
    expect(seal(ring, secret, 'AKIAEXAMPLE')).not.toBe(sealed);
  });

  it('does not open under another context or when tampered', () => {
    const sealed = seal(ring, 'secret', 'AKIA1');
    expect(() => open(ring, sealed, 'AKIA2')).toThrow('failed authentication');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('x' + Buffer.from(parts[3]!, 'base64url').toString('latin1'), 'latin1').toString('base64url');
    expect(() => open(ring, parts.join('.'), 'AKIA1')).toThrow('failed authentication');
    expect(() => open(ring, 'plaintext', 'AKIA1')).toThrow('not a Berth secret envelope');
  });

  it('opens with an older key after rotation and re-seals with the active one', () => {
    const sealed = seal(ring, 'secret', 'AKIA1');
    const rotated = parseKeyring(`b:${k2}\na:${k1}`);
    expect(open(rotated, sealed, 'AKIA1')).toBe('secret');
    expect(needsReseal(rotated, sealed)).toBe(true);
    const resealed = reseal(rotated, sealed, 'AKIA1');
    expect(resealed).toMatch(/^bsb1\.b\./);
    expect(open(parseKeyring(`b:${k2}`), resealed, 'AKIA1')).toBe('secret');
    expect(() => open(parseKeyring(`b:${k2}`), sealed, 'AKIA1')).toThrow('key-encryption key "a", which is not loaded');
  });
});

describe('access keys', () => {
  it('look like AWS access key ids and secrets', () => {
    const ids = new Set(Array.from({ length: 200 }, () => generateAccessKeyId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(generateAccessKeyId('ASIA')).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(isAccessKeyId(generateAccessKeyId())).toBe(true);
    expect(isAccessKeyId('AKIA0000000000000000')).toBe(false);
    const secret = generateSecretAccessKey();
    expect(secret).toHaveLength(40);
    expect(isSecretAccessKey(secret)).toBe(true);
  });
});

describe('registry tokens', () => {
  const ring = parseKeyring(`a:${k1}`);
  const now = new Date('2024-05-01T10:00:00Z');
  const keyId = 'AKIAIOSFODNN7EXAMPLE';

  it('carry the access key id and expire after 12 hours', () => {
    const { token, expiresAt } = issueRegistryToken(ring, keyId, { now });
    expect(expiresAt).toEqual(new Date('2024-05-01T22:00:00Z'));
    expect(verifyRegistryToken(ring, token, { now })).toEqual({ accessKeyId: keyId, issuedAt: now, expiresAt });
    expect(() => verifyRegistryToken(ring, token, { now: expiresAt })).toThrow(
      'Your authorization token has expired. Reauthenticate and try again.',
    );
  });

  it('reject tampering and tokens from another keyring', () => {
    const { token } = issueRegistryToken(ring, keyId, { now });
    const forged = token.replace(keyId, 'AKIAOTHERKEY00000000');
    expect(() => verifyRegistryToken(ring, forged, { now })).toThrow(expect.objectContaining({ detail: { reason: 'bad-signature' } }));
    const longer = token.replace(/\.(\d+)\.([^.]+)\.([^.]+)$/, (_m, exp: string, n: string, mac: string) => `.${Number(exp) + 3600}.${n}.${mac}`);
    expect(() => verifyRegistryToken(ring, longer, { now })).toThrow('Your authorization token is invalid');
    expect(() => verifyRegistryToken(parseKeyring(`a:${k2}`), token, { now })).toThrow('Your authorization token is invalid');
    expect(() => verifyRegistryToken(ring, 'garbage', { now })).toThrow(expect.objectContaining({ detail: { reason: 'malformed' } }));
  });

  it('stop working as soon as their access key is deleted', async () => {
    const keys = new Set([keyId]);
    const lookup = async (id: string) => (keys.has(id) ? { kind: 'root' as const, accountId: '111122223333' } : undefined);
    const { token } = issueRegistryToken(ring, keyId, { now });
    await expect(authenticateRegistryToken(ring, token, lookup, { now })).resolves.toMatchObject({
      principal: { accountId: '111122223333' },
    });
    keys.delete(keyId);
    await expect(authenticateRegistryToken(ring, token, lookup, { now })).rejects.toMatchObject({
      code: 'Unauthenticated',
      detail: { reason: 'key-revoked' },
    });
  });

  it('survive rotation of the keyring while the old key stays loaded', () => {
    const { token } = issueRegistryToken(ring, keyId, { now });
    expect(verifyRegistryToken(parseKeyring(`b:${k2}\na:${k1}`), token, { now }).accessKeyId).toBe(keyId);
  });

  it('travel as docker Basic credentials with the user AWS', () => {
    const { token } = issueRegistryToken(ring, keyId, { now });
    const authorizationToken = encodeAuthorizationToken(token);
    expect(parseBasicAuth(`Basic ${authorizationToken}`)).toEqual({ username: 'AWS', password: token });
    expect(parseBasicAuth('Bearer abc')).toBeUndefined();
    expect(parseBasicAuth(undefined)).toBeUndefined();
  });
});

