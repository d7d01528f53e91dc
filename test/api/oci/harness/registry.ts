/**
 * Runs a whole Berth in-process on a real socket (127.0.0.1, ephemeral port) over a temporary
 * data directory, the way `berth serve` would, and can restart it on the same data.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { type BerthApp, type BuildOptions, buildApp } from '../../../../src/app.js';
import { loadConfig } from '../../../../src/config/load.js';
import type { BerthConfigInput } from '../../../../src/config/schema.js';
import { HttpClient } from './http.js';

export interface RunningRegistry {
  app: BerthApp;
  dataDir: string;
  url: string;
  http: HttpClient;
  /** Stops the process-equivalent (app.close) and starts a new one on the same data directory. */
  restart(): Promise<void>;
  /** Stops the registry and removes its data. */
  stop(): Promise<void>;
}

export async function startRegistry(
  overrides: BerthConfigInput = {},
  options: BuildOptions = {},
): Promise<RunningRegistry> {
  const dataDir = await mkdtemp(join(tmpdir(), 'berth-oci-'));
  // Tests do not need power-loss durability; fsync only slows them down.
  const config = () =>
    loadConfig({
      env: {},
      overrides: {
        // These tests are about the protocol: /v2 without credentials (auth is tested in test/iam).
        auth: { mode: 'none' },
        ...overrides,
        dataDir,
        log: { level: 'silent' },
        storage: { filesystem: { fsync: false } },
        shutdown: { graceSeconds: 1 },
      },
    });

  const boot = async () => {
    const app = await buildApp(config(), options);
    await app.server.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.server.address() as AddressInfo;
    return { app, url: `http://127.0.0.1:${port}` };
  };

  const first = await boot();
  const running: RunningRegistry = {
    app: first.app,
    dataDir,
    url: first.url,
    http: new HttpClient(first.url),
    async restart() {
      running.http.close();
      await running.app.close();
      const next = await boot();
      running.app = next.app;
      running.url = next.url;
      running.http = new HttpClient(next.url);
    },
    async stop() {
      running.http.close();
      await running.app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return running;
}
