/** /metrics behind a bearer token, on a listener of its own or the registry's, and turned off. */
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpFetch } from '../support/http-fetch.js';
import { type TestServer, startServer, useServer } from '../support/server.js';
import { removeDir, tempDir } from '../support/temp.js';

const TOKEN = 'scrape-token-0123456789abcdef';

/** What a raw request gets back before the connection closes: the client announces a body and never sends it. */
function announceBodyAndWait(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 1048576\r\n\r\n`);
  });
}

async function get(url: string, token?: string) {
  return httpFetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
}

describe('on its own listener, with a token', () => {
  const server = useServer({ config: { auth: { mode: 'none' }, metrics: { listen: '127.0.0.1:0', token: TOKEN } } });

  async function metricsUrl(s: TestServer): Promise<string> {
    const listener = s.app.listeners.find((l) => l.name === 'metrics')!;
    expect(listener.host).toBe('127.0.0.1');
    if (!listener.server.server.listening) await listener.server.listen({ host: listener.host, port: listener.port });
    return `http://127.0.0.1:${(listener.server.server.address() as AddressInfo).port}/metrics`;
  }

  it('answers a scrape with the token, and refuses one without or with another', async () => {
    const url = await metricsUrl(server());
    const ok = await get(url, TOKEN);
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toMatch(/^berth_repositories 0$/m);

    const none = await get(url);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="berth-metrics"');
    expect(none.body.toString()).not.toContain('berth_');
    const wrong = await get(url, `${TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect((await httpFetch(url, { headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } })).status).toBe(401);
  });

  it('refuses before reading a body, and closes the connection', async () => {
    const url = new URL(await metricsUrl(server()));
    const answer = await announceBodyAndWait(Number(url.port), '/metrics');
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer.toLowerCase()).toContain('connection: close');
  });

  it('is not served on the registry listener', async () => {
    expect((await get(`${server().url}/metrics`, TOKEN)).status).toBe(404);
  });
});

describe('on the registry listener, with a token', () => {
  const server = useServer({ config: { auth: { mode: 'none' }, metrics: { token: TOKEN } } });

  it('answers with the token only, refusing before a body is read', async () => {
    expect((await get(`${server().url}/metrics`, TOKEN)).status).toBe(200);
    expect((await get(`${server().url}/metrics`)).status).toBe(401);
    const answer = await announceBodyAndWait(server().port, '/metrics');
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
  });
});

describe('turned off', () => {
  const server = useServer({ config: { auth: { mode: 'none' }, metrics: { enabled: false } } });

  it('serves no /metrics', async () => {
    expect(server().app.metrics).toBeUndefined();
    expect((await get(`${server().url}/metrics`)).status).toBe(404);
  });
});

describe('with a token file', () => {
  it('reads the token from the file, and refuses to start on a short one', async () => {
    const dir = await tempDir('metrics-token');
    try {
      await writeFile(join(dir, 'token'), `${TOKEN}\n`);
      await writeFile(join(dir, 'short'), 'short\n');
      const s = await startServer({ config: { auth: { mode: 'none' }, metrics: { tokenFile: join(dir, 'token') } } });
      try {
        expect((await get(`${s.url}/metrics`, TOKEN)).status).toBe(200);
        expect((await get(`${s.url}/metrics`)).status).toBe(401);
      } finally {
        await s.close();
      }
      await expect(startServer({ config: { auth: { mode: 'none' }, metrics: { tokenFile: join(dir, 'short') } } })).rejects.toThrow(
        /metrics\.tokenFile .* must hold a token of at least 16 characters/,
      );
    } finally {
      await removeDir(dir);
    }
  });
});
