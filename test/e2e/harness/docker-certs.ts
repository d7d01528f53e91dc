import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const CERTS_D = '/etc/docker/certs.d';

/**
 * Makes dockerd trust `ca` for the registry at host:port, as an operator would
 * (/etc/docker/certs.d/<host:port>/ca.crt, read per request, no restart). Returns the undo.
 */
export async function trustCaForDocker(address: string, ca: string): Promise<() => Promise<void>> {
  const dir = join(CERTS_D, address);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'ca.crt'), ca);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
