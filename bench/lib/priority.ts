import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const CHILD_FLAG = 'BENCH_PRIORITY_SESSION';
/** Scheduler weight for the bench's session: enough to win the CPUs from other sessions' work. */
const NICE = -15;

/**
 * `--priority`: runs the whole bench (itself, both servers, curl and wrk) in a session of its own
 * whose autogroup gets nice -15. Linux schedules CPU time fairly between sessions (autogroups), not
 * between processes, so on a machine shared with other people's builds and tests each measurement
 * would otherwise get whatever share is left. Every process in the run gets the same priority, so
 * the comparison stays fair; other sessions on the machine slow down while it runs. Needs root
 * (or CAP_SYS_NICE).
 *
 * Returns undefined in the process that should run the bench, or the exit code of the re-launched
 * bench when this process only launched it.
 */
export async function withPriority(): Promise<number | undefined> {
  if (process.env[CHILD_FLAG] === '1') {
    try {
      writeFileSync('/proc/self/autogroup', String(NICE));
    } catch (err) {
      throw new Error(`--priority could not raise the session's priority (needs root): ${(err as Error).message}`);
    }
    return undefined;
  }
  // detached: a new session, hence a new autogroup, so only the bench's processes are raised.
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: 'inherit',
    env: { ...process.env, [CHILD_FLAG]: '1' },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1))));
}

/** "autogroup nice -15" when this run raised its priority, for the machine-state lines. */
export function priorityNote(): string | undefined {
  if (process.env[CHILD_FLAG] !== '1') return undefined;
  try {
    return `bench session raised to ${readFileSync('/proc/self/autogroup', 'utf8').trim().replace(/^\/autogroup-\d+ /, 'autogroup ')} (--priority)`;
  } catch {
    return undefined;
  }
}
