import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BerthApp, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';

describe('GET /healthz', () => {
  let app: BerthApp;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-healthz-'));
    const config = loadConfig({ env: {}, overrides: { dataDir, log: { level: 'silent' }, storage: { filesystem: { fsync: false } } } });
    app = await buildApp(config);
  });
  afterAll(async () => {
    await app.server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers ok, uncached and without credentials, while the metadata store answers', async () => {
    const res = await app.server.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('fails once the metadata store is gone, and the server keeps answering', async () => {
    await app.store.close();
    const res = await app.server.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBeGreaterThanOrEqual(500);
    expect(res.json()).not.toEqual({ status: 'ok' });
    expect((await app.server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBeGreaterThanOrEqual(500);
  });
});
