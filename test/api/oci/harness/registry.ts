/**
 * Runs a whole Berth in-process on a real socket (test/support/server.ts) with /v2 open to all, and
 * a raw HTTP client for it; restarts keep the data directory.
 */
import type { BerthApp, BuildOptions } from '../../../../src/app.js';
import type { BerthConfigInput } from '../../../../src/config/schema.js';
import { startServer } from '../../../support/server.js';
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

export async function startRegistry(overrides: BerthConfigInput = {}, options: BuildOptions = {}): Promise<RunningRegistry> {
  const server = await startServer({
    prefix: 'oci',
    // These tests are about the protocol: /v2 without credentials (auth is tested in test/iam).
    config: { auth: { mode: 'none' }, ...overrides, shutdown: { graceSeconds: 1 } },
    build: options,
  });
  let http = new HttpClient(server.url);
  return {
    get app() {
      return server.app;
    },
    get url() {
      return server.url;
    },
    get http() {
      return http;
    },
    dataDir: server.dataDir,
    async restart() {
      http.close();
      await server.restart();
      http = new HttpClient(server.url);
    },
    async stop() {
      http.close();
      await server.close();
    },
  };
}
