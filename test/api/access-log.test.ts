import { describe, expect, it } from 'vitest';
import { useServer } from '../support/server.js';

describe('access log', () => {
  const server = useServer({ prefix: 'log', listen: false, captureLogs: true, config: { auth: { mode: 'none' } } });
  const lines = () => server().logs.records();

  it('writes one JSON line per request with its request id, method, url and status', async () => {
    const res = await server().app.server.inject({ method: 'GET', url: '/v2/no/such/manifests/v1', headers: { 'x-request-id': 'trace-42' } });
    expect(res.statusCode).toBe(404);
    const mine = lines().filter((l) => l.reqId === 'trace-42');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ msg: 'request completed', method: 'GET', url: '/v2/no/such/manifests/v1', status: 404 });
    expect(typeof mine[0]!.durationMs).toBe('number');
  });

  it('gives requests without an id (or with a malformed one) a fresh one, distinct per request', async () => {
    await server().app.server.inject({ method: 'GET', url: '/healthz' });
    await server().app.server.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    const ids = lines()
      .filter((l) => l.url === '/healthz')
      .map((l) => l.reqId as string);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });
});
