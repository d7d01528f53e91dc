import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '../../domain/errors.js';
import type { Keyring } from './keyring.js';

/**
 * AES-256-GCM envelope for secrets at rest (access-key secrets). Format, all text so it fits any
 * column:
 *   bsb1.<kid>.<base64url iv (12 bytes)>.<base64url ciphertext>.<base64url tag (16 bytes)>
 * The key id travels in the envelope so any loaded key can open it after rotation. `context`
 * (e.g. the access key id) is bound as additional authenticated data, so a sealed secret copied to
 * another row does not open there.
 */
const PREFIX = 'bsb1';

export function seal(keyring: Keyring, plaintext: string, context: string): string {
  const kid = keyring.activeKid;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyring.key(kid)!, iv);
  cipher.setAAD(aad(kid, context));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [PREFIX, kid, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function open(keyring: Keyring, sealed: string, context: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== PREFIX) {
    throw new DomainError('Internal', 'stored secret is not a Berth secret envelope');
  }
  const [, kid, ivText, ctText, tagText] = parts as [string, string, string, string, string];
  const key = keyring.key(kid);
  if (!key) throw new DomainError('Internal', `stored secret was sealed with key-encryption key "${kid}", which is not loaded`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
    decipher.setAAD(aad(kid, context));
    decipher.setAuthTag(Buffer.from(tagText, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ctText, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new DomainError('Internal', 'stored secret failed authentication (wrong key, wrong context or tampered)');
  }
}

/** True when the envelope was sealed with a key other than the active one (re-seal it). */
export function needsReseal(keyring: Keyring, sealed: string): boolean {
  return sealed.split('.')[1] !== keyring.activeKid;
}

export function reseal(keyring: Keyring, sealed: string, context: string): string {
  return needsReseal(keyring, sealed) ? seal(keyring, open(keyring, sealed, context), context) : sealed;
}

function aad(kid: string, context: string): Buffer {
  return Buffer.from(`${PREFIX}\n${kid}\n${context}`, 'utf8');
}
