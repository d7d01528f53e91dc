import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ConfigError } from './load.js';

/**
 * Reads and checks the PEM files of `tls` at start, so that a wrong path, a file of the wrong kind
 * or a key of another certificate stops the start with the setting and file named, instead of an
 * OpenSSL code ("PEM routines::no start line") or a failure at the first client's handshake.
 */
export function readTlsFiles(tls: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  const cert = readSetting('tls.cert', tls.cert);
  const key = readSetting('tls.key', tls.key);
  try {
    new X509Certificate(cert);
  } catch (err) {
    throw new ConfigError(`tls.cert: ${tls.cert} does not hold a PEM certificate (${(err as Error).message})`);
  }
  try {
    createPrivateKey(key);
  } catch (err) {
    throw new ConfigError(`tls.key: ${tls.key} does not hold an unencrypted PEM private key (${(err as Error).message})`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new ConfigError(`tls.key: ${tls.key} is not the key of the certificate in ${tls.cert} (${(err as Error).message})`);
  }
  return { cert, key };
}

function readSetting(setting: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${setting}: cannot read ${file}: ${(err as Error).message}`);
  }
}
