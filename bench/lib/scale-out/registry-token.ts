import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_ISSUER = 'berth-bench';
export const TOKEN_SERVICE = 'bench-registry';

/**
 * distribution's `token` auth, the way it is run in production (docker's bearer-token flow), with
 * the bench as the token server: an ES256 key and self-signed certificate (the rootcertbundle), and
 * one long-lived JWT granting pull and push on the bench's repositories. distribution checks the
 * signature, issuer, audience, expiry and the granted actions on every request, which is its cost
 * of authentication; the bench skips only the round trip to a token endpoint, as a cached token does.
 */
export function registryTokenAuthority(dir: string): { certFile: string; token(repositories: readonly string[]): string } {
  const keyFile = join(dir, 'token-key.pem');
  const certFile = join(dir, 'token-cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=berth-bench token signer',
  ], { stdio: 'ignore' });
  const key = createPrivateKey(readFileSync(keyFile));
  const kid = libtrustKeyId(createPublicKey(readFileSync(certFile)).export({ type: 'spki', format: 'der' }));
  return {
    certFile,
    token(repositories) {
      const now = Math.floor(Date.now() / 1000);
      const header = { typ: 'JWT', alg: 'ES256', kid };
      const claims = {
        iss: TOKEN_ISSUER,
        sub: 'bench',
        aud: TOKEN_SERVICE,
        exp: now + 6 * 3600,
        nbf: now - 60,
        iat: now,
        jti: randomUUID(),
        access: repositories.map((name) => ({ type: 'repository', name, actions: ['pull', 'push'] })),
      };
      const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
      const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
      return `${signingInput}.${base64url(signature)}`;
    },
  };
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * docker/libtrust's key ID, which distribution 2.8 matches against a token's `kid`: the SHA-256 of
 * the DER public key, first 240 bits, base32 without padding, in groups of four joined by ':'.
 */
function libtrustKeyId(spkiDer: Buffer): string {
  const digest = createHash('sha256').update(spkiDer).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of digest) bits += byte.toString(2).padStart(8, '0');
  let encoded = '';
  for (let i = 0; i + 5 <= bits.length; i += 5) encoded += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return encoded.match(/.{4}/g)!.join(':');
}
