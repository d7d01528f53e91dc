/** Uploads when the hashing worker stops: the upload fails or its hash is rebuilt, never a wrong digest. */
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { sharedHashing } from '../../../src/storage/hashing/off-thread-hasher.js';
import { relativeLocation } from './harness/http.js';
import { type OciClient, sha256 } from './harness/oci-client.js';
import { useRegistry } from './helpers.js';

const { client } = useRegistry();
const OCTET = { 'content-type': 'application/octet-stream' };
const MiB = 1024 * 1024;

async function start(c: OciClient): Promise<string> {
  return relativeLocation(await c.do('POST', '/v2/<name>/blobs/uploads/'));
}

async function expectBlob(c: OciClient, content: Buffer): Promise<void> {
  const got = await c.do('GET', '/v2/<name>/blobs/<digest>', { digest: sha256(content) });
  expect(got.status).toBe(200);
  expect(got.body.equals(content)).toBe(true);
}

describe('upload hashes when the hashing worker stops', () => {
  it('rebuilds the hash from the staged bytes for the next chunk and for the final PUT', async () => {
    const c = client();
    const content = randomBytes(7 * MiB + 5);
    const location = await start(c);
    const first = await c.http().send('PATCH', location, { headers: { ...OCTET, 'content-range': `0-${3 * MiB - 1}` }, body: content.subarray(0, 3 * MiB) });
    expect(first.status).toBe(202);

    await sharedHashing().terminate();
    const second = await c.http().send('PATCH', location, {
      headers: { ...OCTET, 'content-range': `${3 * MiB}-${6 * MiB - 1}` },
      body: content.subarray(3 * MiB, 6 * MiB),
    });
    expect(second.status).toBe(202);

    await sharedHashing().terminate();
    const done = await c.http().send('PUT', location, { query: { digest: sha256(content) }, headers: OCTET, body: content.subarray(6 * MiB) });
    expect([done.status, done.header('docker-content-digest')]).toEqual([201, sha256(content)]);
    await expectBlob(c, content);
  });

  it('fails a chunk whose hash was lost mid-stream, keeps what reached the disk, and completes after a resume', async () => {
    const c = client();
    const content = randomBytes(6 * MiB);
    const location = await start(c);
    const body = new PassThrough();
    const patching = c.http().send('PATCH', location, { headers: OCTET, body });
    body.write(content.subarray(0, 2 * MiB));
    await sleep(300);
    await sharedHashing().terminate();
    body.end(content.subarray(2 * MiB, 4 * MiB));
    const failed = await patching;
    expect(failed.status).toBe(500);

    const state = await c.http().send('GET', location);
    expect(state.status).toBe(204);
    const received = Number(/^0-(\d+)$/.exec(state.header('range') ?? '')![1]) + 1;
    expect(received).toBeGreaterThanOrEqual(2 * MiB);
    expect(received).toBeLessThanOrEqual(4 * MiB);

    const rest = await c.http().send('PATCH', location, {
      headers: { ...OCTET, 'content-range': `${received}-${content.length - 1}` },
      body: content.subarray(received),
    });
    expect(rest.status).toBe(202);
    const done = await c.http().send('PUT', location, { query: { digest: sha256(content) } });
    expect(done.status).toBe(201);
    await expectBlob(c, content);
  });
});
