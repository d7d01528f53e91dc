/** Resumable push: an upload session survives a server restart and completes with a verified digest. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256, sha512 } from '../../support/digest.js';
import { relativeLocation } from './harness/http.js';
import { useRegistry } from './helpers.js';

const { registry, client } = useRegistry();
const OCTET = { 'content-type': 'application/octet-stream' };

describe('upload resumed after a restart', () => {
  it('reports the received offset after the restart, takes the next chunk, and verifies the whole digest', async () => {
    const c = client();
    const content = randomBytes(5 * 1024 * 1024 + 3);
    const cut = 3 * 1024 * 1024;
    const started = await c.do('POST', '/v2/<name>/blobs/uploads/');
    const location = relativeLocation(started);
    const first = await c.http().send('PATCH', location, {
      headers: { ...OCTET, 'content-range': `0-${cut - 1}` },
      body: content.subarray(0, cut),
    });
    expect([first.status, first.header('range')]).toEqual([202, `0-${cut - 1}`]);

    await registry().restart();

    const state = await c.http().send('GET', location);
    expect(state.status).toBe(204);
    expect(state.header('range')).toBe(`0-${cut - 1}`);
    expect(state.header('location')).toBe(location);

    // A retry of the first chunk is refused; the next chunk continues where the server is.
    const retry = await c.http().send('PATCH', location, {
      headers: { ...OCTET, 'content-range': `0-${cut - 1}` },
      body: content.subarray(0, cut),
    });
    expect([retry.status, retry.header('range')]).toEqual([416, `0-${cut - 1}`]);
    const next = await c.http().send('PATCH', relativeLocation(state), {
      headers: { ...OCTET, 'content-range': `${cut}-${content.length - 1}` },
      body: content.subarray(cut),
    });
    expect([next.status, next.header('range')]).toEqual([202, `0-${content.length - 1}`]);

    const done = await c.http().send('PUT', relativeLocation(next), { query: { digest: sha256(content) } });
    expect(done.status).toBe(201);
    const got = await c.do('GET', '/v2/<name>/blobs/<digest>', { digest: sha256(content) });
    expect(got.body.equals(content)).toBe(true);
  });

  it('completes with a sha512 digest after a restart, and still refuses a wrong one', async () => {
    const c = client();
    const content = randomBytes(4096);
    const started = await c.do('POST', '/v2/<name>/blobs/uploads/');
    const location = relativeLocation(started);
    await c.http().send('PATCH', location, { headers: OCTET, body: content.subarray(0, 1000) });

    await registry().restart();

    await c.http().send('PATCH', location, { headers: { ...OCTET, 'content-range': `1000-4095` }, body: content.subarray(1000) });
    const wrong = await c.http().send('PUT', location, { query: { digest: sha512(content.subarray(1)) } });
    expect([wrong.status, wrong.errorCode()]).toEqual([400, 'DIGEST_INVALID']);

    const again = await c.do('POST', '/v2/<name>/blobs/uploads/');
    const second = relativeLocation(again);
    await c.http().send('PATCH', second, { headers: OCTET, body: content.subarray(0, 2000) });
    await registry().restart();
    await c.http().send('PATCH', second, { headers: OCTET, body: content.subarray(2000) });
    const done = await c.http().send('PUT', second, { query: { digest: sha512(content) } });
    expect([done.status, done.header('docker-content-digest')]).toEqual([201, sha512(content)]);
  });
});
