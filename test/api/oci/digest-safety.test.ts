/** Data safety: digests are verified while streaming; a mismatch is refused and nothing is stored. */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { sha256, sha512 } from '../../support/digest.js';
import { relativeLocation } from './harness/http.js';
import type { OciClient } from './harness/oci-client.js';
import { useRegistry } from './helpers.js';
import { blobFileFor, blobFiles, uploadFiles } from './storage-probe.js';

const { registry, client } = useRegistry();
const OCTET = { 'content-type': 'application/octet-stream' };

async function expectNotStored(c: OciClient, ...digests: string[]): Promise<void> {
  for (const digest of digests) {
    const head = await c.do('HEAD', '/v2/<name>/blobs/<digest>', { digest });
    expect(head.status, digest).toBe(404);
    expect(await blobFileFor(registry().dataDir, digest), digest).toBeUndefined();
  }
}

describe('digest verification', () => {
  it('refuses a single-POST upload whose content does not match its digest, storing nothing', async () => {
    const c = client();
    const content = randomBytes(2048);
    const claimed = sha256('something else');
    const before = await blobFiles(registry().dataDir);
    const resp = await c.do('POST', '/v2/<name>/blobs/uploads/', { query: { digest: claimed }, headers: OCTET, body: content });
    expect([resp.status, resp.errorCode()]).toEqual([400, 'DIGEST_INVALID']);
    await expectNotStored(c, claimed, sha256(content));
    expect(await blobFiles(registry().dataDir)).toEqual(before);
    expect(await uploadFiles(registry().dataDir)).toEqual([]);
  });

  it('refuses a chunked upload whose whole content does not match, and discards the session', async () => {
    const c = client();
    const started = await c.do('POST', '/v2/<name>/blobs/uploads/');
    const location = relativeLocation(started);
    const content = randomBytes(300);
    await c.http().send('PATCH', location, { headers: { ...OCTET, 'content-range': '0-199' }, body: content.subarray(0, 200) });
    const claimed = sha256(Buffer.concat([content.subarray(0, 299), Buffer.from('!')]));
    const resp = await c.http().send('PUT', location, {
      query: { digest: claimed },
      headers: { ...OCTET, 'content-range': '200-299' },
      body: content.subarray(200),
    });
    expect([resp.status, resp.errorCode()]).toEqual([400, 'DIGEST_INVALID']);
    await expectNotStored(c, claimed, sha256(content));
    const after = await c.http().send('GET', location);
    expect([after.status, after.errorCode()]).toEqual([404, 'BLOB_UPLOAD_UNKNOWN']);
    expect(await uploadFiles(registry().dataDir)).toEqual([]);
  });

  it('refuses content verified against the wrong algorithm (sha256 bytes named by a sha512 of other bytes)', async () => {
    const c = client();
    const content = randomBytes(100);
    const claimed = sha512(randomBytes(100));
    const resp = await c.do('POST', '/v2/<name>/blobs/uploads/', { query: { digest: claimed }, headers: OCTET, body: content });
    expect([resp.status, resp.errorCode()]).toEqual([400, 'DIGEST_INVALID']);
    await expectNotStored(c, claimed, sha512(content));
  });

  it('refuses malformed and unsupported digests with DIGEST_INVALID before storing anything', async () => {
    const c = client();
    const content = randomBytes(10);
    for (const digest of ['sha256:abc', `sha256:${'A'.repeat(64)}`, `md5:${'a'.repeat(32)}`, 'nodigest', `sha512:${'a'.repeat(64)}`]) {
      const resp = await c.do('POST', '/v2/<name>/blobs/uploads/', { query: { digest }, headers: OCTET, body: content });
      expect([resp.status, resp.errorCode()], digest).toEqual([400, 'DIGEST_INVALID']);
    }
    expect(await blobFileFor(registry().dataDir, sha256(content))).toBeUndefined();
    expect(await uploadFiles(registry().dataDir)).toEqual([]);
  });

  it('stores nothing when the client goes away in the middle of a single-POST upload', async () => {
    const c = client();
    await c.pushBlob(randomBytes(1)); // the repository exists
    const content = randomBytes(1024 * 1024);
    const url = new URL(`/v2/${c.defaultName}/blobs/uploads/?digest=${sha256(content)}`, registry().url);
    await new Promise<void>((resolve) => {
      const req = request(url, { method: 'POST', headers: { ...OCTET, 'content-length': String(content.length) } });
      req.on('error', () => resolve());
      req.write(content.subarray(0, 300 * 1024), () => setTimeout(() => req.destroy(), 50));
    });
    // Let the server notice the abort and clean up.
    await expect.poll(async () => (await uploadFiles(registry().dataDir)).length, { timeout: 5000 }).toBe(0);
    await expectNotStored(c, sha256(content));
  });
});

describe('sha512', () => {
  it('accepts sha512 blobs pushed in one POST, POST then PUT, and in chunks, and serves them by that digest', async () => {
    const c = client();
    const one = randomBytes(700);
    let resp = await c.do('POST', '/v2/<name>/blobs/uploads/', { query: { digest: sha512(one) }, headers: OCTET, body: one });
    expect([resp.status, resp.header('docker-content-digest')]).toEqual([201, sha512(one)]);

    const two = randomBytes(700);
    resp = await c.pushBlob(two, { digest: sha512(two) });
    expect(resp.status).toBe(201);

    const three = randomBytes(700);
    const started = await c.do('POST', '/v2/<name>/blobs/uploads/');
    const location = relativeLocation(started);
    await c.http().send('PATCH', location, { headers: { ...OCTET, 'content-range': '0-399' }, body: three.subarray(0, 400) });
    resp = await c.http().send('PATCH', location, { headers: { ...OCTET, 'content-range': '400-699' }, body: three.subarray(400) });
    expect(resp.status).toBe(202);
    resp = await c.http().send('PUT', location, { query: { digest: sha512(three) } });
    expect(resp.status).toBe(201);
    expect(resp.header('location')).toBe(`/v2/${c.defaultName}/blobs/${sha512(three)}`);

    for (const content of [one, two, three]) {
      const got = await c.do('GET', '/v2/<name>/blobs/<digest>', { digest: sha512(content) });
      expect(got.status).toBe(200);
      expect(got.header('docker-content-digest')).toBe(sha512(content));
      expect(got.body.equals(content)).toBe(true);
    }
  });
});
