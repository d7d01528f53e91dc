/**
 * What the engine harnesses (ceph-rgw.ts, postgres.ts) share: a run directory per engine under
 * <tmp>/berth-engines/, daemons started in their own process group with their pids recorded there,
 * a watchdog that stops them if the test process dies without stopping them, the clean-up of what
 * an earlier run left behind, free ports, and waiting with a deadline and the logs' tails.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
export { freePort } from '../support/ports.js';

export const ENGINES_ROOT = join(tmpdir(), 'berth-engines');

export interface Daemon {
  name: string;
  pid: number;
  log: string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<string>;
  /** Set once it exited. */
  exit?: string;
}

/**
 * A fresh run directory for one engine, owned by this process. Directories of earlier runs whose
 * owner is gone (a crashed or killed test run) are cleaned first: their daemons are killed (only
 * processes whose command line names that directory) and the directory removed.
 */
export async function runDirectory(engine: string): Promise<string> {
  await mkdir(ENGINES_ROOT, { recursive: true, mode: 0o755 });
  await sweepLeftovers();
  const dir = await mkdtemp(join(ENGINES_ROOT, `${engine}-`));
  await mkdir(join(dir, 'pids'));
  await writeFile(join(dir, 'owner'), `${process.pid} ${startTime(process.pid)}\n`);
  watchdog(dir);
  return dir;
}

async function sweepLeftovers(): Promise<void> {
  for (const name of readdirSync(ENGINES_ROOT)) {
    const dir = join(ENGINES_ROOT, name);
    const owner = await readFile(join(dir, 'owner'), 'utf8').catch(() => undefined);
    if (owner === undefined) continue; // being created right now, or not ours
    const [pid, started] = owner.trim().split(' ');
    if (pid && isAlive(Number(pid)) && startTime(Number(pid)) === started) continue;
    killRecorded(dir, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

/** Signals every recorded daemon of a run directory that is still that daemon (its command line names the directory). */
export function killRecorded(dir: string, signal: NodeJS.Signals): void {
  const pids = join(dir, 'pids');
  if (!existsSync(pids)) return;
  for (const file of readdirSync(pids)) {
    const pid = Number(readFileSync(join(pids, file), 'utf8'));
    if (Number.isInteger(pid) && pid > 1 && commandLine(pid).includes(dir)) signalProcess(pid, signal);
  }
}

/**
 * A shell that outlives this process only to kill the run directory's daemons and remove it once
 * this process is gone without having stopped them (killed, crashed); stop() ends it first.
 */
function watchdog(dir: string): void {
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
    `for f in "${dir}"/pids/*.pid; do p=$(cat "$f" 2>/dev/null) || continue;`,
    `  tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -qF -- "${dir}" && kill -9 $p; done`,
    `sleep 1; rm -rf "${dir}"`,
  ].join('\n');
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  writeFileSync(join(dir, 'watchdog.pid'), String(child.pid));
}

export type Running<T> = T & {
  /** The run directory (configuration, logs). */
  dir: string;
  /** Stops the daemons (in reverse order of start) and removes the run directory. */
  stop(): Promise<void>;
};

/**
 * Starts an engine in a fresh run directory: `start` starts its daemons (recording each in
 * `daemons`) and says how to reach it. When it fails, whatever it started is stopped and the
 * error carries the tail of every log.
 */
export async function launchEngine<T>(
  engine: string,
  start: (dir: string, daemons: Daemon[]) => Promise<T>,
  options: { stopSignal?: NodeJS.Signals } = {},
): Promise<Running<T>> {
  const dir = await runDirectory(engine);
  const daemons: Daemon[] = [];
  const stop = async () => {
    await stopDaemons([...daemons].reverse(), { signal: options.stopSignal });
    killRecorded(dir, 'SIGKILL');
    stopWatchdog(dir);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    return { ...(await start(dir, daemons)), dir, stop };
  } catch (err) {
    const message = `${(err as Error).message}\n${logTails(dir)}`;
    await stop();
    throw new Error(`${engine} did not start: ${message}`, { cause: err });
  }
}

/** Ends the watchdog of a run directory being stopped properly. */
export function stopWatchdog(dir: string): void {
  const file = join(dir, 'watchdog.pid');
  const pid = existsSync(file) ? Number(readFileSync(file, 'utf8').trim() || 0) : 0;
  if (pid > 1 && commandLine(pid).includes(dir)) signalProcess(pid, 'SIGKILL');
}

/** Starts a daemon in its own process group, output to <dir>/log/<name>.log, pid recorded. */
export async function startDaemon(dir: string, name: string, command: string, args: string[], options: SpawnOptions = {}): Promise<Daemon> {
  await mkdir(join(dir, 'log'), { recursive: true });
  const log = join(dir, 'log', `${name}.out`);
  const fd = openSync(log, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const daemon: Daemon = {
    name,
    pid: child.pid ?? 0,
    log,
    exited: new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ?? String(code)));
      child.once('error', (err) => resolve(err.message));
    }),
  };
  void daemon.exited.then((exit) => (daemon.exit = exit));
  if (daemon.pid) await writeFile(join(dir, 'pids', `${name}.pid`), String(daemon.pid));
  return daemon;
}

/** Stops daemons in order: `signal` (SIGTERM), then SIGKILL after `graceMs`. */
export async function stopDaemons(daemons: Daemon[], options: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
  for (const daemon of daemons) {
    if (daemon.exit !== undefined || !daemon.pid) continue;
    signalProcess(daemon.pid, options.signal ?? 'SIGTERM');
    const killer = setTimeout(() => signalProcess(daemon.pid, 'SIGKILL'), options.graceMs ?? 10_000);
    await daemon.exited;
    clearTimeout(killer);
  }
}

/**
 * Polls `ready` until it holds. Fails after `timeoutMs`, or as soon as one of `daemons` exits,
 * with the tail of every log of the run directory.
 */
export async function waitUntil(
  what: string,
  ready: () => Promise<boolean>,
  options: { dir: string; timeoutMs: number; daemons?: Daemon[]; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    const dead = options.daemons?.find((d) => d.exit !== undefined);
    if (dead || Date.now() > deadline) {
      const why = dead ? `${dead.name} exited (${dead.exit})` : `not within ${Math.round(options.timeoutMs / 1000)} s`;
      throw new Error(`${what}: ${why}\n${logTails(options.dir)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}

/** The last lines of every log in the run directory, for an error message. */
export function logTails(dir: string, lines = 25): string {
  const logDir = join(dir, 'log');
  if (!existsSync(logDir)) return '(no logs)';
  return readdirSync(logDir)
    .sort()
    .map((name) => {
      const text = readFileSync(join(logDir, name), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      return `--- ${name} (last ${lines} lines)\n${text}`;
    })
    .join('\n');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive free ports (daemons that take a port range), below Linux's ephemeral range
 * (32768+) so that no client connection is using them meanwhile.
 */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (12_000 - count));
    let free = true;
    for (let port = base; port < base + count && free; port++) free = await portFree(port);
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports found between 20000 and 32000`);
}

/** The binaries of `names` not found on PATH (or at their absolute path). */
export function missingBinaries(names: string[]): string[] {
  return names.filter((name) => {
    const candidates = name.startsWith('/') ? [name] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
    return !candidates.some((candidate) => {
      try {
        accessSync(candidate, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** A process's start time in clock ticks since boot (/proc/<pid>/stat field 22), which tells a reused pid apart. */
function startTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}
