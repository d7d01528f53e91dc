import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { ENGINES_ROOT, isAlive, runDirectory, stopWatchdog } from './daemons.js';

const run = promisify(execFile);

/** Waits until `check` holds (a daemon gone, a directory removed). */
const until = (check: () => boolean, what: string) => eventually(async () => (check() ? true : undefined), what);

describe('engine run directories', () => {
  it('clean up what a crashed run left: its daemons (only those naming its directory) and the directory', async () => {
    await mkdir(ENGINES_ROOT, { recursive: true });
    const leftover = await mkdtemp(join(ENGINES_ROOT, 'crashed-'));
    await mkdir(join(leftover, 'pids'));
    const daemon = spawn('sh', ['-c', 'sleep 300', leftover], { detached: true, stdio: 'ignore' });
    const bystander = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    try {
      await writeFile(join(leftover, 'pids', 'daemon.pid'), String(daemon.pid));
      // A recycled pid now belonging to something else: never killed.
      await writeFile(join(leftover, 'pids', 'recycled.pid'), String(bystander.pid));
      // Its owner is gone (the pid of a process that exited).
      const gone = spawn('true');
      await new Promise((resolve) => gone.once('exit', resolve));
      await writeFile(join(leftover, 'owner'), `${gone.pid} 1\n`);

      const dir = await runDirectory('fresh');
      try {
        await until(() => !isAlive(daemon.pid!), 'the leftover daemon killed');
        expect(existsSync(leftover)).toBe(false);
        expect(isAlive(bystander.pid!)).toBe(true);
      } finally {
        stopWatchdog(dir);
        await rm(dir, { recursive: true, force: true });
      }
    } finally {
      for (const child of [daemon, bystander]) if (child.pid && isAlive(child.pid)) process.kill(child.pid, 'SIGKILL');
    }
  });

  it('stop their daemons through the watchdog when the test process dies without stopping them', async () => {
    const fixture = join(import.meta.dirname, 'fixtures', 'abandoned-daemon.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture], { cwd: join(import.meta.dirname, '..', '..') });
    const { dir, pid } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { dir: string; pid: number };
    await until(() => !isAlive(pid), 'the abandoned daemon killed');
    await until(() => !existsSync(dir), 'the abandoned run directory removed');
  });
});
