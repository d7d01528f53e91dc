import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the server to take). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('could not allocate a port');
  return address.port;
}

// Servers still running when the bench exits (an error, Ctrl-C) are killed rather than left behind.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

export interface ServerProcess {
  pid: number;
  baseUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts a server as a user would, its stdout and stderr going straight to a log file (so the
 * bench process does no work for the server's logging), and waits until `GET <readyPath>` answers 200.
 */
export async function startServer(options: {
  label: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  port: number;
  logFile: string;
  cwd?: string;
  timeoutMs?: number;
  /** What must answer 200 once the server is ready (default /v2/, which needs no credentials in the bench). */
  readyPath?: string;
  /** Headers for the readiness GET (credentials, for a server whose readyPath needs them). */
  readyHeaders?: Record<string, string>;
}): Promise<ServerProcess> {
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  running.add(child);
  const baseUrl = `http://127.0.0.1:${options.port}`;
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    running.delete(child);
    exited = `exited with ${signal ?? `code ${code}`}`;
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (exited) throw new Error(`${options.label} ${exited} before it was ready; see ${options.logFile}`);
    try {
      const response = await fetch(`${baseUrl}${options.readyPath ?? '/v2/'}`, { headers: options.readyHeaders, signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.label} did not answer GET ${options.readyPath ?? '/v2/'} within ${options.timeoutMs ?? 30_000} ms; see ${options.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { pid: child.pid!, baseUrl, logFile: options.logFile, stop };
}
