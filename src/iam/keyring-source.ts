import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BerthConfig } from '../config/schema.js';
import { createKeyringFile, loadKeyringFile, parseKeyring, type Keyring } from './crypto/index.js';

/**
 * The deployment's key-encryption keys: `auth.keyring` (or BERTH_KEYRING) when given, else the
 * file `auth.keyringFile` (default <dataDir>/keyring), created with one fresh key and mode 0600
 * the first time. `berth serve` and `berth admin` read the same source, so keys the CLI seals the
 * server can open.
 */
export function loadKeyring(config: Readonly<BerthConfig>): { keyring: Keyring; createdFile?: string } {
  if (config.auth.keyring !== undefined) return { keyring: parseKeyring(config.auth.keyring) };
  const file = keyringFile(config);
  if (existsSync(file)) return { keyring: loadKeyringFile(file) };
  mkdirSync(dirname(file), { recursive: true });
  try {
    return { keyring: createKeyringFile(file), createdFile: file };
  } catch (err) {
    // Another process (a second node, or `berth admin`) created it first.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { keyring: loadKeyringFile(file) };
    throw err;
  }
}

export function keyringFile(config: Readonly<BerthConfig>): string {
  return config.auth.keyringFile ?? join(config.dataDir, 'keyring');
}
