/**
 * haproxy in front of test nodes, configured from the example in docs/deployment.md (so the
 * example the guide shows is the one the cluster tests run): the listener becomes a free loopback
 * port and the example's `server` lines become the given nodes.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';
import { freePort } from './ports.js';
import { httpFetch } from './http-fetch.js';

export const DEPLOYMENT_GUIDE = join(REPO_ROOT, 'docs/deployment.md');

export interface Haproxy {
  readonly port: number;
  /** 127.0.0.1:<port> */
  readonly address: string;
  readonly url: string;
  logs(): string;
  stop(): Promise<void>;
}

/** The first ```haproxy block of the deployment guide. */
export function guideHaproxyConfig(): string {
  const match = /```haproxy\n([\s\S]*?)```/.exec(readFileSync(DEPLOYMENT_GUIDE, 'utf8'));
  if (!match) throw new Error(`${DEPLOYMENT_GUIDE} has no haproxy example`);
  return match[1]!;
}

/** The guide's configuration with its listener on `port` and `backends` (host:port) as its servers. */
export function haproxyConfigFor(port: number, backends: readonly string[]): string {
  const lines = guideHaproxyConfig().split('\n');
  const binds = lines.filter((l) => /^\s*bind\s/.test(l));
  const servers = lines.filter((l) => /^\s*server\s/.test(l));
  if (binds.length !== 1 || servers.length === 0) throw new Error('the guide\'s haproxy example must have one bind line and server lines');
  const out: string[] = [];
  for (const line of lines) {
    if (line === binds[0]) out.push(line.replace(/bind\s+\S+/, `bind 127.0.0.1:${port}`));
    else if (line === servers[0]) out.push(...backends.map((b, i) => line.replace(/server\s+\S+\s+\S+/, `server berth${i + 1} ${b}`)));
    else if (!servers.includes(line)) out.push(line);
  }
  return out.join('\n');
}

/** Starts haproxy in the foreground (-db) with the guide's configuration, and waits until it proxies /healthz. */
export async function startHaproxy(dir: string, backends: readonly string[]): Promise<Haproxy> {
  const port = await freePort('127.0.0.1');
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, haproxyConfigFor(port, backends));
  const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  child.stdout.on('data', (c: Buffer) => (logs += c.toString()));
  child.stderr.on('data', (c: Buffer) => (logs += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}:\n${logs}`);
    const res = await httpFetch(`${url}/healthz`, { timeoutMs: 1_000 }).catch(() => undefined);
    if (res?.status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not proxy /healthz within 20 s:\n${logs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, address: `127.0.0.1:${port}`, url, logs: () => logs, stop };
}
