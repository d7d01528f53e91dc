import { readFile, writeFile } from 'node:fs/promises';

const HOSTS = '/etc/hosts';

/**
 * Adds "<address> <name>" to /etc/hosts (written in place: it may be a bind mount) and returns the
 * undo, which removes exactly that line again.
 */
export async function addHostsAlias(name: string, address: string): Promise<() => Promise<void>> {
  const line = `${address} ${name} # berth e2e test`;
  const current = await readFile(HOSTS, 'utf8');
  await writeFile(HOSTS, `${current}${current.endsWith('\n') || current === '' ? '' : '\n'}${line}\n`);
  return async () => {
    const text = await readFile(HOSTS, 'utf8');
    await writeFile(HOSTS, text.split('\n').filter((l) => l !== line).join('\n'));
  };
}
