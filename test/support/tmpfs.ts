/**
 * A small tmpfs a test can fill to the last byte (ENOSPC), free again, or make read-only: file
 * systems that misbehave on demand. Mounting needs root; tests check `isRoot()` first and skip
 * with the reason otherwise (or fail under CI=true: requireCondition in conditions.ts).
 */
import { execFile } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeDir, tempDir } from './temp.js';

const run = promisify(execFile);

export interface Tmpfs {
  readonly dir: string;
  /** Writes a filler file until the file system has no byte left. */
  fill(): void;
  /** Removes the filler. */
  free(): void;
  /** Remounts read-only (EROFS for every write). */
  readOnly(): Promise<void>;
  unmount(): Promise<void>;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export async function mountTmpfs(sizeKiB: number): Promise<Tmpfs> {
  const dir = await tempDir('tmpfs');
  await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0777`, 'tmpfs', dir]);
  const filler = join(dir, '.filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      try {
        for (const size of [64 * 1024, 4096, 1]) {
          const chunk = Buffer.alloc(size);
          for (;;) {
            try {
              writeSync(fd, chunk);
            } catch {
              break;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    async readOnly() {
      await run('mount', ['-o', 'remount,ro', dir]);
    },
    async unmount() {
      await run('umount', ['-l', dir]).catch(() => undefined);
      await removeDir(dir);
    },
  };
}
