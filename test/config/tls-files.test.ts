import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { readTlsFiles } from '../../src/config/tls-files.js';
import { removeDir, tempDir } from '../support/temp.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
const CERT = join(FIXTURES, 'server.crt');
const KEY = join(FIXTURES, 'server.key');
const OTHER_KEY = join(FIXTURES, 'other.key');

let dir: string;
let garbage: string;
beforeAll(async () => {
  dir = await tempDir('tls');
  garbage = join(dir, 'garbage.pem');
  await writeFile(garbage, 'not a pem file\n');
});
afterAll(() => removeDir(dir));

function failure(tls: { cert: string; key: string }): string {
  try {
    readTlsFiles(tls);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the TLS files were accepted');
}

describe('readTlsFiles', () => {
  it('returns the certificate and key of a matching pair', () => {
    const { cert, key } = readTlsFiles({ cert: CERT, key: KEY });
    expect(cert.toString()).toContain('BEGIN CERTIFICATE');
    expect(key.toString()).toContain('PRIVATE KEY');
  });

  it('names the setting and the file it cannot read', () => {
    const missing = join(dir, 'missing.crt');
    expect(failure({ cert: missing, key: KEY })).toMatch(new RegExp(`^tls.cert: cannot read ${missing}: ENOENT`));
    expect(failure({ cert: CERT, key: missing })).toMatch(new RegExp(`^tls.key: cannot read ${missing}: ENOENT`));
  });

  it('says which file is not a certificate or not a key, rather than an OpenSSL code alone', () => {
    expect(failure({ cert: garbage, key: KEY })).toMatch(new RegExp(`^tls.cert: ${garbage} does not hold a PEM certificate`));
    expect(failure({ cert: CERT, key: garbage })).toMatch(new RegExp(`^tls.key: ${garbage} does not hold an unencrypted PEM private key`));
    // The two swapped: the certificate file holds a key.
    expect(failure({ cert: KEY, key: CERT })).toMatch(/^tls.cert: .* does not hold a PEM certificate/);
  });

  it('refuses a key that belongs to another certificate', () => {
    expect(failure({ cert: CERT, key: OTHER_KEY })).toMatch(new RegExp(`^tls.key: ${OTHER_KEY} is not the key of the certificate in ${CERT}`));
  });
});
