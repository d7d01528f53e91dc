/**
 * The real `berth serve` process (node bin/berth.js serve, as a user starts it) on a free port, for the
 * end-to-end tests: real clients, SIGTERM, kill -9 and restarts. In-process tests use server.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BERTH_BIN, REPO_ROOT } from './paths.js';
import { freePort } from './ports.js';
import { httpFetch } from './http-fetch.js';

export interface BerthServerOptions {
  /** Data directory; kept after stop so a test can restart on it or inspect it. */
  dataDir: string;
  /** IP address to listen on (default 127.0.0.1). */
  host?: string;
  /** Host name clients use to reach the server, when not the listen address (e.g. an /etc/hosts alias). */
  publicName?: string;
  /** Port to listen on (default: a free one). Restarts pass the previous port. */
  port?: number;
  /** Serve HTTPS with this certificate; `ca` is what the harness trusts for its health check. */
  tls?: { cert: string; key: string; ca: string };
  env?: NodeJS.ProcessEnv;
  /**
   * Where the server's stdout (its log) goes: collected with stderr (default), a file descriptor,
   * or a pipe nobody reads until `readStdout()` (a log shipper that stopped).
   */
  stdout?: 'collect' | 'unread' | number;
}

export interface BerthServer {
  /** The listen address. */
  readonly host: string;
  readonly port: number;
  /** host:port (or publicName:port), as image references use it. */
  readonly address: string;
  /** http(s)://host:port */
  readonly url: string;
  readonly dataDir: string;
  readonly pid: number;
  /** Everything the server wrote to stdout and stderr so far. */
  logs(): string;
  /** Pino log lines parsed as JSON (lines that are not JSON are skipped). */
  logRecords(): Record<string, unknown>[];
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** kill -9: no chance to clean up, as in a crash. */
  kill(): Promise<void>;
  /** Whether the process is still running. */
  running(): boolean;
  /** Starts reading an 'unread' stdout (into `logs()`). */
  readStdout(): void;
}

const MAX_LOG_BYTES = 32 * 1024 * 1024;

/** Starts `node bin/berth.js serve` and waits until /healthz answers. */
export async function startBerth(options: BerthServerOptions): Promise<BerthServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = options.port ?? (await freePort(options.host ?? '127.0.0.1'));
    try {
      return await launch(options, port);
    } catch (err) {
      lastError = err;
      // Another process took the port between the probe and the listen: try another one.
      if (options.port !== undefined || !String(err).includes('EADDRINUSE')) throw err;
    }
  }
  throw lastError;
}

async function launch(options: BerthServerOptions, port: number): Promise<BerthServer> {
  const host = options.host ?? '127.0.0.1';
  const listen = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const address = options.publicName ? `${options.publicName}:${port}` : listen;
  const url = `${options.tls ? 'https' : 'http'}://${address}`;
  const args = [BERTH_BIN, 'serve', '--listen', listen, '--data', options.dataDir, '--log-level', 'info'];
  if (options.tls) args.push('--tls-cert', options.tls.cert, '--tls-key', options.tls.key);
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    // Clients here run without `docker login` unless a test asks for IAM (env BERTH_AUTH_MODE=iam).
    env: { ...process.env, BERTH_AUTH_MODE: 'none', ...options.env },
    stdio: ['ignore', typeof options.stdout === 'number' ? options.stdout : 'pipe', 'pipe'],
  });
  let logBytes = 0;
  const chunks: Buffer[] = [];
  const collect = (chunk: Buffer) => {
    if (logBytes >= MAX_LOG_BYTES) return;
    logBytes += chunk.length;
    chunks.push(chunk);
  };
  const readStdout = () => child.stdout?.on('data', collect);
  if (options.stdout === undefined || options.stdout === 'collect') readStdout();
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logs = () => Buffer.concat(chunks).toString('utf8');

  try {
    await waitHealthy(url, options.tls?.ca, exited, logs);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }

  return {
    host,
    port,
    address,
    url,
    dataDir: options.dataDir,
    pid: child.pid!,
    logs,
    logRecords: () => parseLogLines(logs()),
    stop: (graceMs = 20_000) => stopChild(child, exited, graceMs),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    running: () => child.exitCode === null && child.signalCode === null,
    readStdout,
  };
}

async function waitHealthy(
  url: string,
  ca: string | undefined,
  exited: Promise<number | null>,
  logs: () => string,
): Promise<void> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`berth exited with ${gone} before becoming healthy:\n${logs().slice(-4000)}`);
    const res = await httpFetch(`${url}/healthz`, { ca, timeoutMs: 2_000 }).catch(() => undefined);
    if (res?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`berth did not answer ${url}/healthz within 30s:\n${logs().slice(-4000)}`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, graceMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

function parseLogLines(text: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      records.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line cut short by kill -9
    }
  }
  return records;
}
