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
    await server().app.server.inject({ method: 'GET', url: '/v2/' });
    await server().app.server.inject({ method: 'GET', url: '/v2/', headers: { 'x-request-id': 'bad id with spaces' } });
    const ids = lines()
      .filter((l) => l.url === '/v2/')
      .map((l) => l.reqId as string);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('leaves answered /healthz probes out at info: orchestrators send one every few seconds', async () => {
    expect((await server().app.server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await server().app.server.inject({ method: 'GET', url: '/v2/', headers: { 'x-request-id': 'after-probe' } });
    expect(lines().filter((l) => l.reqId === 'after-probe')).toHaveLength(1);
    expect(lines().filter((l) => l.url === '/healthz')).toEqual([]);
  });
});

describe('access log at debug', () => {
  const server = useServer({ prefix: 'log', listen: false, captureLogs: true, config: { auth: { mode: 'none' }, log: { level: 'debug' } } });
  const probes = () => server().logs.records().filter((l) => l.url === '/healthz');

  it('has answered /healthz probes at debug, and failed ones at info', async () => {
    await server().app.server.inject({ method: 'GET', url: '/healthz' });
    expect(probes()).toMatchObject([{ level: 20, msg: 'request completed', status: 200 }]);
    await server().app.store.close();
    expect((await server().app.server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(500);
    expect(probes()[1]).toMatchObject({ level: 30, status: 500 });
  });
});
