import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ENGINES_ROOT, runDirectory, stopWatchdog } from './daemons.js';

const run = promisify(execFile);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

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
        await eventually(() => !alive(daemon.pid!));
        expect(existsSync(leftover)).toBe(false);
        expect(alive(bystander.pid!)).toBe(true);
      } finally {
        stopWatchdog(dir);
        await rm(dir, { recursive: true, force: true });
      }
    } finally {
      for (const child of [daemon, bystander]) if (child.pid && alive(child.pid)) process.kill(child.pid, 'SIGKILL');
    }
  });

  it('stop their daemons through the watchdog when the test process dies without stopping them', async () => {
    const fixture = join(import.meta.dirname, 'fixtures', 'abandoned-daemon.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture], { cwd: join(import.meta.dirname, '..', '..') });
    const { dir, pid } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { dir: string; pid: number };
    await eventually(() => !alive(pid));
    await eventually(() => !existsSync(dir));
  });
});
