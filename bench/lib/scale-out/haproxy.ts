import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { freePort } from '../server-process.js';
import { requireTool } from '../tools.js';

export interface Proxy {
  pid: number;
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * haproxy (Debian's) in front of `backends` on 127.0.0.1: HTTP mode, round robin per request, keep-
 * alive on both sides, as the deployment guide's example runs it. Timeouts are long enough for a
 * 1 GiB body. One process, `nbthread 1`: on two cores a second thread would only compete with the
 * servers behind it. The bench's own launcher, separate from the tests' cluster harness.
 */
export async function startHaproxy(backends: readonly string[], configFile: string, logFile: string): Promise<Proxy> {
  const binary = requireTool('haproxy', '/usr/sbin/haproxy');
  const port = await freePort();
  const servers = backends.map((url, i) => `  server node${i + 1} ${new URL(url).host}`).join('\n');
  writeFileSync(
    configFile,
    `global
  nbthread 1
  maxconn 4096
defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 10m
  timeout server 10m
  timeout http-request 30s
frontend registry
  bind 127.0.0.1:${port}
  default_backend nodes
backend nodes
  balance roundrobin
${servers}
`,
  );
  const log = openSync(logFile, 'a');
  const child = spawn(binary, ['-db', '-f', configFile], { stdio: ['ignore', log, log] });
  closeSync(log);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with code ${child.exitCode}; see ${logFile}`);
    try {
      await fetch(`${baseUrl}/`, { signal: AbortSignal.timeout(1000) }).then((r) => r.arrayBuffer());
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`haproxy did not listen within 10 s; see ${logFile}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  process.once('exit', () => child.kill('SIGKILL'));
  return {
    pid: child.pid!,
    baseUrl,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      await gone;
    },
  };
}
