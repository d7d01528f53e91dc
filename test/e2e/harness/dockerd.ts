import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { removeDir, tempDir } from '../../support/temp.js';
import { run } from './run.js';

export interface Dockerd {
  /** DOCKER_HOST value, unix://…/docker.sock */
  host: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * Starts a private dockerd (vfs storage, no iptables, no bridge) with its own socket, data root and
 * exec root under a temp dir, so it neither needs nor disturbs a system Docker.
 */
export async function startDockerd(): Promise<Dockerd> {
  const dir = await tempDir('e2e-dockerd');
  const socket = join(dir, 'docker.sock');
  const logFile = join(dir, 'dockerd.log');
  const log = openSync(logFile, 'a');
  const child = spawn(
    'dockerd',
    [
      '--storage-driver=vfs',
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      `--host=unix://${socket}`,
      `--data-root=${join(dir, 'root')}`,
      `--exec-root=${join(dir, 'exec')}`,
      `--pidfile=${join(dir, 'dockerd.pid')}`,
    ],
    // Its own process group, so teardown can stop dockerd together with the containerd it spawns.
    { detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', () => undefined);

  const stop = async () => {
    signalGroup(child.pid, 'SIGTERM');
    const killer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), 30_000);
    await exited;
    clearTimeout(killer);
    signalGroup(child.pid, 'SIGKILL');
    await unmountUnder(dir);
    await removeDir(dir);
  };

  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + 90_000;
  while (!(await ping(socket))) {
    if (gone !== undefined || Date.now() > deadline) {
      const output = readFileSync(logFile, 'utf8').slice(-4000);
      await stop();
      throw new Error(`dockerd ${gone !== undefined ? `exited with ${gone}` : 'did not answer within 90s'}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { host: `unix://${socket}`, dir, stop };
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** dockerd may leave mounts (netns, shm) under its exec root; they must go before the directory can. */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await run('umount', ['-l', point]).catch(() => undefined);
}
