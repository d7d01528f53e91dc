import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BerthApp } from '../../src/app.js';
import { type TestServer, startServer } from '../support/server.js';

describe('GET /healthz', () => {
  let server: TestServer;
  let app: BerthApp;

  beforeAll(async () => {
    server = await startServer({ prefix: 'healthz', listen: false });
    app = server.app;
  });
  afterAll(async () => {
    await server.close();
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
