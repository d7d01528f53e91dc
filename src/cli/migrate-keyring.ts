import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BerthConfig } from '../config/schema.js';
import { type Keyring, loadKeyringFile, open, parseKeyring } from '../iam/crypto/index.js';
import { loadKeyring } from '../iam/keyring-source.js';

/** The keyring cannot open the access keys being moved. */
export class KeyringMismatchError extends Error {}

export interface SealedKey {
  accessKeyId: string;
  sealedSecret: string;
}

/**
 * Makes sure the destination's keyring opens every access key's secret, since the secrets are
 * copied sealed. A destination keyring file that does not exist yet is made a copy of the
 * source's file (mode kept: 0600); one that exists, or a configured `auth.keyring`, must already
 * hold the source's keys. Returns a note for the summary when it copied the file.
 */
export function prepareDestinationKeyring(source: Readonly<BerthConfig>, destination: Readonly<BerthConfig>, keys: readonly SealedKey[]): string | undefined {
  let note: string | undefined;
  let keyring: Keyring;
  if (destination.auth.keyring !== undefined) {
    keyring = parseKeyring(destination.auth.keyring);
  } else {
    const file = destination.auth.keyringFile ?? join(destination.dataDir, 'keyring');
    if (!existsSync(file)) {
      if (source.auth.keyring !== undefined) {
        throw new KeyringMismatchError(
          `the destination has no keyring (${resolve(file)} does not exist): give it the source's auth.keyring (BERTH_KEYRING), or the access keys cannot be used after the move`,
        );
      }
      const sourceFile = source.auth.keyringFile ?? join(source.dataDir, 'keyring');
      if (!existsSync(sourceFile)) throw new KeyringMismatchError(`the source's keyring ${resolve(sourceFile)} does not exist`);
      mkdirSync(dirname(file), { recursive: true });
      copyFileSync(sourceFile, file);
      note = `copied the source's keyring ${resolve(sourceFile)} to ${resolve(file)} (every node of the new deployment needs it)`;
    }
    keyring = loadKeyringFile(file);
  }
  const unopened = keys.filter((key) => !opens(keyring, key));
  if (unopened.length > 0) {
    const sourceKeyring = loadKeyring(source).keyring;
    const hint = unopened.every((key) => opens(sourceKeyring, key)) ? " give it the source's keyring (its file, or auth.keyring)" : ' (the source keyring cannot open them either)';
    throw new KeyringMismatchError(
      `the destination's keyring cannot open ${unopened.length} access key secret(s) (e.g. ${unopened[0]!.accessKeyId}):${hint}`,
    );
  }
  return note;
}

function opens(keyring: Keyring, key: SealedKey): boolean {
  try {
    open(keyring, key.sealedSecret, key.accessKeyId);
    return true;
  } catch {
    return false;
  }
}
