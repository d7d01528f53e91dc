import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './run.js';

export interface TestCertificates {
  /** PEM of the test CA, what clients must trust. */
  ca: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

/**
 * A throwaway CA and a server certificate it signs for `ipAddresses` and `dnsNames`, made with the
 * openssl command line (as an operator would), written under `dir`.
 */
export async function makeCertificates(
  dir: string,
  names: { ipAddresses: string[]; dnsNames: string[] },
): Promise<TestCertificates> {
  const caKey = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const certFile = join(dir, 'server.crt');
  const ext = join(dir, 'server.ext');
  const san = [...names.ipAddresses.map((ip) => `IP:${ip}`), ...names.dnsNames.map((dns) => `DNS:${dns}`)].join(',');

  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caFile,
    '-days', '2', '-subj', '/CN=Berth e2e test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', '/CN=berth-e2e']);
  await writeFile(
    ext,
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`,
  );
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial',
    '-out', certFile, '-days', '2', '-sha256', '-extfile', ext]);
  return { ca: await readFile(caFile, 'utf8'), caFile, certFile, keyFile };
}
