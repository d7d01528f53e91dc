import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AuthConfig } from './config-schema.js';
import { createKeyringFile, loadKeyringFile, parseKeyring, type Keyring } from './crypto/index.js';

/**
 * The deployment's key-encryption keys: `auth.keyring` (or BERTH_KEYRING) when given, else the
 * file `auth.keyringFile` (default <dataDir>/keyring), created with one fresh key and mode 0600
 * the first time. `berth serve` and `berth admin` read the same source, so keys the CLI seals the
 * server can open.
 */
/** Where the keyring comes from (the configuration's auth.keyring, auth.keyringFile and dataDir). */
export interface KeyringSource {
  auth: Pick<AuthConfig, 'keyring' | 'keyringFile'>;
  dataDir: string;
}

export function loadKeyring(config: Readonly<KeyringSource>): { keyring: Keyring; createdFile?: string } {
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

function keyringFile(config: Readonly<KeyringSource>): string {
  return config.auth.keyringFile ?? join(config.dataDir, 'keyring');
}
