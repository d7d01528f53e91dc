/**
 * One in-process Berth per test file (as test/api/ecr/operations builds its app), listening on a
 * random port, driven by @aws-sdk/client-ecr (real SigV4 with the default account's root) and by
 * plain fetch on /v2. The clock can be moved (the 24-hour scan quota), and the app can be
 * restarted on the same data directory (durable scan jobs).
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { BerthApp } from '../../../src/app.js';
import type { BerthConfigInput } from '../../../src/config/schema.js';
import type { LogCapture } from '../../support/log-capture.js';
import { TestClock } from '../../support/clock.js';
import { eventually as pollUntil } from '../../support/eventually.js';
import { startServer } from '../../support/server.js';
import { ecrServerOptions, rootEcrClient } from '../../api/ecr/operations/harness.js';

export { ACCOUNT, REGION, rejection } from '../../api/ecr/operations/harness.js';
const ROOT = { keyId: 'AKIASCANNINGTEST0001', secret: 'scanning-integration-secret-0123456789ab' };

export interface Berth {
  app: BerthApp;
  /** The data directory (for `berth` commands run beside the app). */
  dataDir: string;
  url: string;
  ecr: ECRClient;
  /** What the app logged at level info and above (when started with `captureLogs`). */
  logs: LogCapture;
  /** Moves the app's clock (scan quota, observation times). */
  advance(ms: number): void;
  /** Closes the app and builds a new one on the same data directory (background started unless told not to). */
  restart(options?: { background?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function startBerth(options: { background?: boolean; overrides?: BerthConfigInput; captureLogs?: boolean } = {}): Promise<Berth> {
  // Real time, moved on by `advance`.
  const clock = new TestClock();
  const server = await startServer(
    ecrServerOptions({
      prefix: 'scan-it',
      root: ROOT,
      config: options.overrides,
      build: { clock: clock.now },
      background: options.background ?? true,
      captureLogs: options.captureLogs ?? false,
    }),
  );
  let ecr = rootEcrClient(server.url, ROOT);
  return {
    dataDir: server.dataDir,
    get app() {
      return server.app;
    },
    get url() {
      return server.url;
    },
    get ecr() {
      return ecr;
    },
    logs: server.logs,
    advance: (ms) => clock.advance(ms),
    restart: async (restartOptions = {}) => {
      ecr.destroy();
      await server.restart({ background: restartOptions.background ?? true });
      ecr = rootEcrClient(server.url, ROOT);
    },
    close: async () => {
      ecr.destroy();
      await server.close();
    },
  };
}

/** Polls until `probe` returns a value (not undefined), or fails after `timeoutMs` (scans of real images take a while). */
export function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 45_000): Promise<T> {
  return pollUntil(probe, what, { timeoutMs, intervalMs: 100 });
}
