import { PassThrough } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BerthApp, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';

describe('access log', () => {
  let app: BerthApp;
  let dataDir: string;
  const chunks: Buffer[] = [];
  const lines = () =>
    Buffer.concat(chunks)
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-log-'));
    const logStream = new PassThrough();
    logStream.on('data', (c: Buffer) => chunks.push(c));
    const config = loadConfig({
      env: {},
      overrides: { dataDir, auth: { mode: 'none' }, log: { level: 'info' }, storage: { filesystem: { fsync: false } } },
    });
    app = await buildApp(config, { logStream });
  });
  afterAll(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes one JSON line per request with its request id, method, url and status', async () => {
    const res = await app.server.inject({ method: 'GET', url: '/v2/no/such/manifests/v1', headers: { 'x-request-id': 'trace-42' } });
    expect(res.statusCode).toBe(404);
    const mine = lines().filter((l) => l.reqId === 'trace-42');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ msg: 'request completed', method: 'GET', url: '/v2/no/such/manifests/v1', status: 404 });
    expect(typeof mine[0]!.durationMs).toBe('number');
  });

  it('gives requests without an id (or with a malformed one) a fresh one, distinct per request', async () => {
    await app.server.inject({ method: 'GET', url: '/healthz' });
    await app.server.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    const ids = lines()
      .filter((l) => l.url === '/healthz')
      .map((l) => l.reqId as string);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });
});
