import { hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BerthConfig } from './schema.js';

/**
 * The secret that signs what Berth hands out and later checks itself (ECR pagination tokens, layer
 * download URLs): `serverSecret` from the configuration, else a random one generated once into
 * <dataDir>/server-secret (mode 0600). Each use gets its own key derived from it, so a token made
 * for one purpose never verifies for another.
 */
export interface ServerSecret {
  derive(purpose: string): Buffer;
}

export function loadServerSecret(config: Pick<BerthConfig, 'serverSecret' | 'dataDir'>): ServerSecret {
  const root = config.serverSecret ? Buffer.from(config.serverSecret, 'utf8') : readOrCreate(join(config.dataDir, 'server-secret'));
  const derived = new Map<string, Buffer>();
  return {
    derive(purpose) {
      let key = derived.get(purpose);
      if (!key) {
        key = Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), `berth:${purpose}`, 32));
        derived.set(purpose, key);
      }
      return key;
    },
  };
}

function readOrCreate(file: string): Buffer {
  try {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) throw new Error(`${file} must not be readable by group or others (chmod 600)`);
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(join(file, '..'), { recursive: true });
  const secret = randomBytes(32);
  try {
    writeFileSync(file, `${secret.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    throw err;
  }
}
