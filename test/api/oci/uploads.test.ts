/** Upload sessions beyond the conformance suite: streamed and chunked PATCH, status, cancel, bad sessions. */
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../support/digest.js';
import { relativeLocation } from './harness/http.js';
import type { OciClient } from './harness/oci-client.js';
import { useRegistry } from './helpers.js';

const { client } = useRegistry();
const OCTET = { 'content-type': 'application/octet-stream' };

async function start(c: OciClient): Promise<string> {
  const resp = await c.do('POST', '/v2/<name>/blobs/uploads/');
  expect(resp.status).toBe(202);
  expect(resp.header('docker-upload-uuid')).toMatch(/^[0-9a-f-]{36}$/);
  return relativeLocation(resp);
}

const patch = (c: OciClient, location: string, body: Buffer | Readable, headers: Record<string, string> = {}) =>
  c.http().send('PATCH', location, { headers: { ...OCTET, ...headers }, body });
const status = (c: OciClient, location: string) => c.http().send('GET', location);
const put = (c: OciClient, location: string, digest: string, body?: Buffer, headers: Record<string, string> = {}) =>
  c.http().send('PUT', location, { query: { digest }, headers: { ...OCTET, ...headers }, body });

function slowStream(content: Buffer, pieces: number): Readable {
  const size = Math.ceil(content.length / pieces);
  return Readable.from(
    (async function* () {
      for (let at = 0; at < content.length; at += size) {
        await new Promise((r) => setTimeout(r, 1));
        yield content.subarray(at, at + size);
      }
    })(),
  );
}

describe('streamed upload (PATCH without Content-Range or Content-Length)', () => {
  it('accepts a chunked-encoded body, reports its range, and completes with the digest', async () => {
    const c = client();
    const content = randomBytes(3 * 1024 * 1024 + 17);
    const location = await start(c);
    const resp = await patch(c, location, slowStream(content, 40));
    expect(resp.status).toBe(202);
    expect(resp.header('range')).toBe(`0-${content.length - 1}`);
    const done = await put(c, relativeLocation(resp), sha256(content));
    expect(done.status).toBe(201);
    expect(done.header('docker-content-digest')).toBe(sha256(content));
    const got = await c.do('GET', '/v2/<name>/blobs/<digest>', { digest: sha256(content) });
    expect(got.body.equals(content)).toBe(true);
  });
});

describe('chunked upload', () => {
  it('takes ordered chunks, the last one in the closing PUT, and verifies the whole digest', async () => {
    const c = client();
    const content = randomBytes(250);
    let location = await start(c);
    let resp = await patch(c, location, content.subarray(0, 100), { 'content-range': '0-99' });
    expect([resp.status, resp.header('range')]).toEqual([202, '0-99']);
    location = relativeLocation(resp);
    resp = await patch(c, location, content.subarray(100, 200), { 'content-range': '100-199' });
    expect([resp.status, resp.header('range')]).toEqual([202, '0-199']);
    resp = await put(c, relativeLocation(resp), sha256(content), content.subarray(200), { 'content-range': '200-249' });
    expect(resp.status).toBe(201);
    expect(resp.header('location')).toBe(`/v2/${c.defaultName}/blobs/${sha256(content)}`);
    const got = await c.do('GET', '/v2/<name>/blobs/<digest>', { digest: sha256(content) });
    expect(got.body.equals(content)).toBe(true);
  });

  it('refuses a chunk overlapping what was received with 416 and the current Range, and keeps the upload usable', async () => {
    const c = client();
    const content = randomBytes(200);
    const location = await start(c);
    expect((await patch(c, location, content.subarray(0, 100), { 'content-range': '0-99' })).status).toBe(202);
    const overlap = await patch(c, location, content.subarray(50, 150), { 'content-range': '50-149' });
    expect(overlap.status).toBe(416);
    expect(overlap.errorCode()).toBe('BLOB_UPLOAD_INVALID');
    expect(overlap.header('range')).toBe('0-99');
    const gap = await patch(c, location, content.subarray(150), { 'content-range': '150-199' });
    expect([gap.status, gap.header('range')]).toEqual([416, '0-99']);
    expect((await status(c, location)).header('range')).toBe('0-99');
    expect((await patch(c, location, content.subarray(100), { 'content-range': '100-199' })).status).toBe(202);
    expect((await put(c, location, sha256(content))).status).toBe(201);
  });

  it('refuses a Content-Range that disagrees with Content-Length (SIZE_INVALID) before reading the chunk, in PATCH and PUT', async () => {
    const c = client();
    const location = await start(c);
    const resp = await patch(c, location, randomBytes(50), { 'content-range': '0-99' });
    expect([resp.status, resp.errorCode()]).toEqual([400, 'SIZE_INVALID']);
    const last = await put(c, location, sha256(randomBytes(1)), randomBytes(30), { 'content-range': '0-49' });
    expect([last.status, last.errorCode()]).toEqual([400, 'SIZE_INVALID']);
    const state = await status(c, location);
    expect(state.status).toBe(204);
    expect(state.header('range')).toBe('0-0');
    // Nothing of the refused chunk was kept: the upload still completes as the empty blob.
    expect((await put(c, location, sha256(Buffer.alloc(0)))).status).toBe(201);
  });

  it('refuses a streamed chunk shorter than its Content-Range, reporting what was actually received', async () => {
    const c = client();
    const content = randomBytes(100);
    const location = await start(c);
    const resp = await patch(c, location, slowStream(content.subarray(0, 60), 3), { 'content-range': '0-99' });
    expect(resp.status).toBe(416);
    expect(resp.header('range')).toBe('0-59');
    expect((await patch(c, location, content.subarray(60), { 'content-range': '60-99' })).status).toBe(202);
    expect((await put(c, location, sha256(content))).status).toBe(201);
  });

  it('answers a malformed Content-Range with 400 BLOB_UPLOAD_INVALID', async () => {
    const c = client();
    const location = await start(c);
    for (const range of ['bytes', '0-', 'a-b', '-5']) {
      const resp = await patch(c, location, randomBytes(5), { 'content-range': range });
      expect([resp.status, resp.errorCode()], range).toEqual([400, 'BLOB_UPLOAD_INVALID']);
    }
  });
});

describe('upload status and cancel', () => {
  it('reports 204 with Location, Range and the upload id', async () => {
    const c = client();
    const location = await start(c);
    await patch(c, location, randomBytes(10));
    const resp = await status(c, location);
    expect(resp.status).toBe(204);
    expect(resp.header('location')).toBe(location);
    expect(resp.header('range')).toBe('0-9');
    expect(location.endsWith(resp.header('docker-upload-uuid')!)).toBe(true);
  });

  it('DELETE cancels the session: 204, then every use of it is BLOB_UPLOAD_UNKNOWN', async () => {
    const c = client();
    const location = await start(c);
    await patch(c, location, randomBytes(10));
    expect((await c.http().send('DELETE', location)).status).toBe(204);
    for (const resp of [
      await status(c, location),
      await patch(c, location, randomBytes(5)),
      await put(c, location, sha256('x'), Buffer.from('x')),
      await c.http().send('DELETE', location),
    ]) {
      expect([resp.status, resp.errorCode()]).toEqual([404, 'BLOB_UPLOAD_UNKNOWN']);
    }
  });

  it('a completed session is gone (BLOB_UPLOAD_UNKNOWN)', async () => {
    const c = client();
    const location = await start(c);
    expect((await put(c, location, sha256('abc'), Buffer.from('abc'))).status).toBe(201);
    const resp = await patch(c, location, Buffer.from('more'));
    expect([resp.status, resp.errorCode()]).toEqual([404, 'BLOB_UPLOAD_UNKNOWN']);
  });

  it('answers unknown, malformed and other-repository upload ids with 404 BLOB_UPLOAD_UNKNOWN', async () => {
    const c = client();
    const other = client();
    const foreign = (await start(other)).split('/').pop()!;
    for (const id of [randomUUID(), 'not-an-upload', foreign]) {
      const location = `/v2/${c.defaultName}/blobs/uploads/${id}`;
      await start(c); // the repository exists
      for (const resp of [await status(c, location), await patch(c, location, randomBytes(3)), await put(c, location, sha256('')), await c.http().send('DELETE', location)]) {
        expect([resp.status, resp.errorCode()], id).toEqual([404, 'BLOB_UPLOAD_UNKNOWN']);
      }
    }
  });

  it('a PUT without the digest parameter is DIGEST_INVALID and leaves the session open', async () => {
    const c = client();
    const location = await start(c);
    const resp = await c.http().send('PUT', location, { headers: OCTET, body: Buffer.from('abc') });
    expect([resp.status, resp.errorCode()]).toEqual([400, 'DIGEST_INVALID']);
    expect((await put(c, location, sha256('abc'), Buffer.from('abc'))).status).toBe(201);
  });
});

describe('monolithic uploads', () => {
  it('a single POST with the digest creates the blob (201, Location, Docker-Content-Digest)', async () => {
    const c = client();
    const content = randomBytes(500);
    const resp = await c.do('POST', '/v2/<name>/blobs/uploads/', { query: { digest: sha256(content) }, headers: OCTET, body: content });
    expect(resp.status).toBe(201);
    expect(resp.header('location')).toBe(`/v2/${c.defaultName}/blobs/${sha256(content)}`);
    expect(resp.header('docker-content-digest')).toBe(sha256(content));
  });

  it('the empty blob can be pushed without a body', async () => {
    const c = client();
    const resp = await c.do('POST', '/v2/<name>/blobs/uploads/', { query: { digest: sha256('') } });
    expect(resp.status).toBe(201);
    const head = await c.do('HEAD', '/v2/<name>/blobs/<digest>', { digest: sha256('') });
    expect([head.status, head.header('content-length')]).toEqual([200, '0']);
  });
});

describe('cross-repository mount', () => {
  it('falls back to an upload session in the target when the blob cannot be mounted', async () => {
    const source = client();
    const content = randomBytes(40);
    await source.pushBlob(content);
    const target = client();
    const cases: Record<string, string>[] = [
      { mount: sha256('not there'), from: source.defaultName },
      { mount: sha256(content), from: 'no/such-repository' },
      { mount: sha256(content), from: 'Invalid//Name' },
      { mount: 'sha256:bogus', from: source.defaultName },
    ];
    for (const query of cases) {
      const resp = await target.do('POST', '/v2/<name>/blobs/uploads/', { query });
      expect(resp.status, JSON.stringify(query)).toBe(202);
      expect(relativeLocation(resp).startsWith(`/v2/${target.defaultName}/blobs/uploads/`)).toBe(true);
    }
    const mounted = await target.do('POST', '/v2/<name>/blobs/uploads/', { query: { mount: sha256(content), from: source.defaultName } });
    expect(mounted.status).toBe(201);
    expect(mounted.header('docker-content-digest')).toBe(sha256(content));
  });
});
