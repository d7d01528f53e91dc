/**
 * One in-process Berth per test file (as test/api/ecr/operations builds its app), listening on a
 * random port, driven by @aws-sdk/client-ecr (real SigV4 with the default account's root) and by
 * plain fetch on /v2. The clock can be moved (the 24-hour scan quota), and the app can be
 * restarted on the same data directory (durable scan jobs).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { openAccess } from '../../../src/api/oci/access.js';
import { type BerthApp, buildApp } from '../../../src/app.js';
import { ACCOUNT, eventually as pollUntil, rootEcrClient, testConfig } from '../../api/ecr/operations/harness.js';
import type { BerthConfigInput } from '../../../src/config/schema.js';

export { ACCOUNT, REGION, rejection } from '../../api/ecr/operations/harness.js';
const ROOT = { keyId: 'AKIASCANNINGTEST0001', secret: 'scanning-integration-secret-0123456789ab' };

export interface Berth {
  app: BerthApp;
  /** The data directory (for `berth` commands run beside the app). */
  dataDir: string;
  url: string;
  ecr: ECRClient;
  /** Moves the app's clock (scan quota, observation times). */
  advance(ms: number): void;
  /** Closes the app and builds a new one on the same data directory (background started unless told not to). */
  restart(options?: { background?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function startBerth(options: { background?: boolean; overrides?: BerthConfigInput } = {}): Promise<Berth> {
  const dataDir = await mkdtemp(join(tmpdir(), 'berth-scan-it-'));
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const config = testConfig(dataDir, options.overrides, ROOT);
  const open = async (background: boolean) => {
    const app = await buildApp(config, { access: openAccess(ACCOUNT), clock });
    const url = await app.server.listen({ port: 0, host: '127.0.0.1' });
    if (background) await app.startBackground();
    const ecr = rootEcrClient(url, ROOT);
    return { app, url, ecr };
  };
  let current = await open(options.background ?? true);
  const berth: Berth = {
    dataDir,
    get app() {
      return current.app;
    },
    get url() {
      return current.url;
    },
    get ecr() {
      return current.ecr;
    },
    advance: (ms) => {
      offset += ms;
    },
    restart: async (restartOptions = {}) => {
      current.ecr.destroy();
      await current.app.close();
      current = await open(restartOptions.background ?? true);
    },
    close: async () => {
      current.ecr.destroy();
      await current.app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return berth;
}

/** Polls until `probe` returns a value (not undefined), or fails after `timeoutMs` (scans of real images take a while). */
export function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 45_000): Promise<T> {
  return pollUntil(probe, what, { timeoutMs, intervalMs: 100 });
}
