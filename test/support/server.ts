/**
 * A whole Berth in-process, as `berth serve` builds it (`buildApp`), over a temporary data
 * directory with the test configuration: silent logs, no fsync (tests need no power-loss
 * durability), and no BERTH_* variables from the environment. By default it
 * listens on 127.0.0.1 on a free port; background work (jobs, schedules, event delivery) starts
 * only when asked. test/e2e starts the real `berth serve` process instead (berth-process.ts).
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { type BerthApp, type BuildOptions, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import type { BerthConfig, BerthConfigInput } from '../../src/config/schema.js';
import { type LogCapture, captureLogs } from './log-capture.js';
import { removeDir, tempDir } from './temp.js';

export interface TestServerOptions {
  /** Configuration over the test defaults (merged deeply; a key set to undefined is unset). */
  config?: BerthConfigInput;
  /** What buildApp takes besides the configuration (access, clock). */
  build?: Omit<BuildOptions, 'logStream'>;
  /** Listen on 127.0.0.1 on a free port (default), or only build the app (drive it with `app.server.inject`). */
  listen?: boolean;
  /** Start background work (job runner, schedules, event delivery) as `berth serve` does; default off. */
  background?: boolean;
  /** An existing data directory, kept on close; default a fresh one, removed on close. */
  dataDir?: string;
  /** Names the fresh data directory (`berth-<prefix>-…`). */
  prefix?: string;
  /** Log at level info into `logs` instead of not at all. */
  captureLogs?: boolean;
}

export interface TestServer {
  readonly app: BerthApp;
  /** http://127.0.0.1:<port> (empty when not listening). */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** What the app logged (empty unless `captureLogs`), across restarts. */
  readonly logs: LogCapture;
  /** Closes the app and builds a new one on the same data directory and configuration (on a new port). */
  restart(options?: { background?: boolean }): Promise<void>;
  /** Closes the app and removes the data directory unless it was given. */
  close(): Promise<void>;
}

/** The configuration tests run Berth with: the defaults above, then `overrides`, on `dataDir`. */
export function testConfig(dataDir: string, overrides: BerthConfigInput = {}): Readonly<BerthConfig> {
  const defaults: BerthConfigInput = {
    log: { level: 'silent' },
    storage: { filesystem: { fsync: false } },
  };
  return loadConfig({ env: {}, overrides: { ...mergeConfig(defaults, overrides), dataDir } });
}

/**
 * `over` merged into `base` key by key; unlike loadConfig's merge, a key `over` sets to undefined
 * stays undefined (and so unset), e.g. `{ auth: { rootAccessKeyId: undefined } }`.
 */
export function mergeConfig(base: BerthConfigInput, over: BerthConfigInput): BerthConfigInput {
  return merge(base as Record<string, unknown>, over as Record<string, unknown>) as BerthConfigInput;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(value) && isPlainObject(current) ? merge(current, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await tempDir(options.prefix ?? 'test'));
  const logs = captureLogs();
  const config = testConfig(dataDir, options.captureLogs ? mergeConfig({ log: { level: 'info' } }, options.config ?? {}) : options.config);
  const boot = async (background: boolean) => {
    const app = await buildApp(config, { ...options.build, ...(options.captureLogs && { logStream: logs.stream }) });
    let port = 0;
    if (options.listen !== false) {
      await app.server.listen({ host: '127.0.0.1', port: 0 });
      port = (app.server.server.address() as AddressInfo).port;
    }
    if (background) await app.startBackground();
    return { app, port };
  };

  let current = await boot(options.background ?? false);
  return {
    get app() {
      return current.app;
    },
    get port() {
      return current.port;
    },
    get url() {
      return current.port ? `http://127.0.0.1:${current.port}` : '';
    },
    dataDir,
    logs,
    async restart(restart = {}) {
      await current.app.close();
      current = await boot(restart.background ?? options.background ?? false);
    },
    async close() {
      await current.app.close();
      if (options.dataDir === undefined) await removeDir(dataDir);
    },
  };
}

/**
 * One thing `start` makes for a test file's tests: made before them (beforeAll), closed after
 * them (afterAll). The accessor fails when called before it is made.
 */
export function useStarted<T extends { close(): Promise<void> }>(start: () => Promise<T>): () => T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    await started?.close();
  });
  return () => {
    if (!started) throw new Error('server not started');
    return started;
  };
}

/** One server for the file's tests (see startServer). */
export function useServer(options: TestServerOptions = {}): () => TestServer {
  return useStarted(() => startServer(options));
}
