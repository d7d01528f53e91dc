import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * One bench run at a time per checkout: two runs would share the disk and CPUs (so both would
 * measure nonsense) and clear each other's work directories. A lock left by a dead run is taken over.
 */
export function lockWorkRoot(root: string): () => void {
  mkdirSync(root, { recursive: true });
  const lock = join(root, 'run.lock');
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(lock, 'utf8'));
    if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
      throw new Error(`another bench run (pid ${holder}) is using ${root}; wait for it to finish`);
    }
    writeFileSync(lock, String(process.pid));
  }
  const release = () => rmSync(lock, { force: true });
  process.once('exit', release);
  return release;
}
