import { hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { DomainError } from '../../domain/errors.js';

/**
 * Key-encryption keys (KEKs). SigV4 needs each access key's plaintext secret on the server, so
 * secrets cannot be hashed; they are sealed with one of these 256-bit keys instead. Several keys
 * may be loaded at once: the active one seals, every one opens, so keys can rotate without
 * re-encrypting everything first.
 *
 * Text form (config value, env var or file), one key per line or comma-separated:
 *   <kid>:<base64 of 32 bytes>
 * The first key is the active one unless `activeKid` says otherwise. Blank lines and lines
 * starting with "#" are ignored. Key ids are 1-32 of [A-Za-z0-9_-].
 */
export interface Keyring {
  readonly activeKid: string;
  key(kid: string): Buffer | undefined;
  kids(): string[];
  /** A key for another purpose (e.g. signing registry tokens), derived so it never equals the KEK. */
  derive(kid: string, purpose: string): Buffer | undefined;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;

export function parseKeyring(text: string, activeKid?: string): Keyring {
  const keys = new Map<string, Buffer>();
  const entries = text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const kid = colon < 0 ? '' : entry.slice(0, colon).trim();
    if (!KID.test(kid)) {
      throw new DomainError('InvalidParameter', 'each key-encryption key must be written as <kid>:<base64 key>, with a kid of 1-32 letters, digits, "_" or "-"');
    }
    const key = Buffer.from(entry.slice(colon + 1).trim(), 'base64');
    if (key.length !== 32) {
      throw new DomainError('InvalidParameter', `key-encryption key "${kid}" must be 32 bytes (base64 of 44 characters), got ${key.length} bytes`);
    }
    if (keys.has(kid)) throw new DomainError('InvalidParameter', `key-encryption key id "${kid}" appears twice`);
    keys.set(kid, key);
  }
  if (keys.size === 0) throw new DomainError('InvalidParameter', 'no key-encryption key was given');
  const active = activeKid ?? keys.keys().next().value!;
  if (!keys.has(active)) throw new DomainError('InvalidParameter', `the active key-encryption key "${active}" is not among the loaded keys`);
  return makeKeyring(keys, active);
}

function makeKeyring(keys: Map<string, Buffer>, activeKid: string): Keyring {
  const derived = new Map<string, Buffer>();
  return {
    activeKid,
    key: (kid) => keys.get(kid),
    kids: () => [...keys.keys()],
    derive(kid, purpose) {
      const kek = keys.get(kid);
      if (!kek) return undefined;
      const cacheKey = `${kid}\n${purpose}`;
      let key = derived.get(cacheKey);
      if (!key) {
        key = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), `berth:${purpose}`, 32));
        derived.set(cacheKey, key);
      }
      return key;
    },
  };
}

/** Reads a keyring file, refusing one that group or others could read (it must be 0600 or 0400). */
export function loadKeyringFile(path: string, activeKid?: string): Keyring {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new DomainError(
      'InvalidParameter',
      `key-encryption key file ${path} has mode ${mode.toString(8).padStart(4, '0')}; it must not be readable by group or others (chmod 600)`,
    );
  }
  return parseKeyring(readFileSync(path, 'utf8'), activeKid);
}

/** Creates a keyring file holding one fresh key, mode 0600; fails if the file exists. */
export function createKeyringFile(path: string, kid = `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`): Keyring {
  const key = randomBytes(32);
  writeFileSync(path, `# Berth key-encryption keys: <kid>:<base64>; the first line is active\n${kid}:${key.toString('base64')}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  return makeKeyring(new Map([[kid, key]]), kid);
}
