/** Blob pulls beyond the conformance suite: the base endpoint, HEAD, Range requests, DELETE. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OCI_MANIFEST } from '../../support/media-types.js';
import { imageManifest, pushBlob, useRegistry } from './helpers.js';

const { registry, client } = useRegistry();

describe('GET /v2/', () => {
  it('answers 200 with the API version header, for GET and HEAD, with or without the trailing slash', async () => {
    for (const [method, path] of [
      ['GET', '/v2/'],
      ['HEAD', '/v2/'],
      ['GET', '/v2'],
    ] as const) {
      const resp = await registry().http.send(method, path);
      expect(resp.status).toBe(200);
      expect(resp.header('docker-distribution-api-version')).toBe('registry/2.0');
    }
  });
});

describe('blob GET and HEAD', () => {
  it('serves the bytes with their length and digest, and HEAD the same headers without a body', async () => {
    const c = client();
    const blob = await pushBlob(c, randomBytes(1000));
    const get = await c.do('GET', '/v2/<name>/blobs/<digest>', { digest: blob.digest });
    expect(get.status).toBe(200);
    expect(get.body.equals(blob.content)).toBe(true);
    expect(get.header('content-length')).toBe('1000');
    expect(get.header('docker-content-digest')).toBe(blob.digest);
    expect(get.header('accept-ranges')).toBe('bytes');

    const head = await c.do('HEAD', '/v2/<name>/blobs/<digest>', { digest: blob.digest });
    expect(head.status).toBe(200);
    expect(head.header('content-length')).toBe('1000');
    expect(head.header('docker-content-digest')).toBe(blob.digest);
    expect(head.body).toHaveLength(0);
  });

  it('serves a blob of many read chunks intact, whole and in ranges across chunk boundaries', async () => {
    const c = client();
    // Read and sent in 1 MiB chunks, each freed once the socket has it: a reuse too early would garble the bytes.
    const blob = await pushBlob(c, randomBytes(5 * 1024 * 1024 + 321));
    const whole = await c.do('GET', '/v2/<name>/blobs/<digest>', { digest: blob.digest });
    expect(whole.status).toBe(200);
    expect(whole.body.equals(blob.content)).toBe(true);
    const start = 1024 * 1024 - 7;
    const end = 3 * 1024 * 1024 + 11;
    const part = await c.do('GET', '/v2/<name>/blobs/<digest>', { digest: blob.digest, headers: { range: `bytes=${start}-${end}` } });
    expect(part.status).toBe(206);
    expect(part.body.equals(blob.content.subarray(start, end + 1))).toBe(true);
  });

  it('answers BLOB_UNKNOWN for a blob of another repository and NAME_UNKNOWN for a missing repository', async () => {
    const a = client();
    const blob = await pushBlob(a);
    const other = client();
    await pushBlob(other);
    const elsewhere = await other.do('GET', '/v2/<name>/blobs/<digest>', { digest: blob.digest });
    expect([elsewhere.status, elsewhere.errorCode()]).toEqual([404, 'BLOB_UNKNOWN']);
    const missing = await client('no/such-repo').do('GET', '/v2/<name>/blobs/<digest>', { digest: blob.digest });
    expect([missing.status, missing.errorCode()]).toEqual([404, 'NAME_UNKNOWN']);
  });
});

describe('blob Range requests', () => {
  const content = randomBytes(1000);
  let digest = '';
  const c = client('range/test');
  const get = (range: string) => c.do('GET', '/v2/<name>/blobs/<digest>', { digest, headers: { range } });

  it('answers a closed range with 206 and exactly those bytes', async () => {
    digest = (await pushBlob(c, content)).digest;
    const resp = await get('bytes=100-199');
    expect(resp.status).toBe(206);
    expect(resp.header('content-range')).toBe('bytes 100-199/1000');
    expect(resp.header('content-length')).toBe('100');
    expect(resp.body.equals(content.subarray(100, 200))).toBe(true);
  });

  it('answers an open-ended range with the rest of the blob', async () => {
    const resp = await get('bytes=990-');
    expect(resp.status).toBe(206);
    expect(resp.header('content-range')).toBe('bytes 990-999/1000');
    expect(resp.body.equals(content.subarray(990))).toBe(true);
  });

  it('answers a suffix range with the last n bytes (all of them when n exceeds the size)', async () => {
    const last = await get('bytes=-10');
    expect(last.status).toBe(206);
    expect(last.header('content-range')).toBe('bytes 990-999/1000');
    expect(last.body.equals(content.subarray(990))).toBe(true);
    const all = await get('bytes=-5000');
    expect(all.status).toBe(206);
    expect(all.header('content-range')).toBe('bytes 0-999/1000');
    expect(all.body.equals(content)).toBe(true);
  });

  it('clamps a range that ends past the blob', async () => {
    const resp = await get('bytes=500-5000');
    expect(resp.status).toBe(206);
    expect(resp.header('content-range')).toBe('bytes 500-999/1000');
    expect(resp.body).toHaveLength(500);
  });

  it('answers an unsatisfiable range with 416 and Content-Range: bytes */size', async () => {
    for (const range of ['bytes=1000-', 'bytes=2000-3000', 'bytes=-0', 'bytes=5-2']) {
      const resp = await get(range);
      expect(resp.status, range).toBe(416);
      expect(resp.header('content-range'), range).toBe('bytes */1000');
    }
  });

  it('serves the whole blob for a multi-range request (allowed by RFC 9110)', async () => {
    const resp = await get('bytes=0-1,5-6');
    expect(resp.status).toBe(200);
    expect(resp.body.equals(content)).toBe(true);
  });

  it('answers a range on a missing blob with 404 BLOB_UNKNOWN, not 416', async () => {
    const resp = await c.do('GET', '/v2/<name>/blobs/<digest>', {
      digest: `sha256:${'0'.repeat(64)}`,
      headers: { range: 'bytes=0-1' },
    });
    expect([resp.status, resp.errorCode()]).toEqual([404, 'BLOB_UNKNOWN']);
  });
});

describe('blob DELETE', () => {
  it('answers 202, then the blob is gone from the repository (404 BLOB_UNKNOWN), and a second delete is 404', async () => {
    const c = client();
    const blob = await pushBlob(c);
    const del = await c.do('DELETE', '/v2/<name>/blobs/<digest>', { digest: blob.digest });
    expect(del.status).toBe(202);
    const head = await c.do('HEAD', '/v2/<name>/blobs/<digest>', { digest: blob.digest });
    expect(head.status).toBe(404);
    const again = await c.do('DELETE', '/v2/<name>/blobs/<digest>', { digest: blob.digest });
    expect([again.status, again.errorCode()]).toEqual([404, 'BLOB_UNKNOWN']);
  });

  it('refuses a layer or config a tagged manifest uses with 405 UNSUPPORTED naming the manifest, and the image still pulls', async () => {
    const c = client();
    const image = await imageManifest(c);
    expect((await c.pushManifest('v1', image.content, OCI_MANIFEST)).status).toBe(201);
    for (const blob of [image.layer, image.config]) {
      const del = await c.do('DELETE', '/v2/<name>/blobs/<digest>', { digest: blob.digest });
      expect([del.status, del.errorCode()]).toEqual([405, 'UNSUPPORTED']);
      expect(del.json<{ errors: { message: string }[] }>().errors[0]!.message).toContain(`manifest ${image.digest} (tag v1)`);
    }
    const manifest = await c.do('GET', '/v2/<name>/manifests/<reference>', { reference: 'v1' });
    expect(manifest.status).toBe(200);
    for (const blob of [image.layer, image.config]) {
      const pulled = await c.do('GET', '/v2/<name>/blobs/<digest>', { digest: blob.digest });
      expect(pulled.status).toBe(200);
      expect(pulled.body.equals(blob.content)).toBe(true);
    }

    // Once no manifest of the repository uses it, the layer may go.
    expect((await c.do('DELETE', '/v2/<name>/manifests/<digest>', { digest: image.digest })).status).toBe(202);
    expect((await c.do('DELETE', '/v2/<name>/blobs/<digest>', { digest: image.layer.digest })).status).toBe(202);
    expect((await c.do('HEAD', '/v2/<name>/blobs/<digest>', { digest: image.layer.digest })).status).toBe(404);
  });

  it('leaves the blob readable in other repositories that hold it', async () => {
    const content = randomBytes(32);
    const a = client();
    const b = client();
    const blob = await pushBlob(a, content);
    await pushBlob(b, content);
    expect((await a.do('DELETE', '/v2/<name>/blobs/<digest>', { digest: blob.digest })).status).toBe(202);
    const resp = await b.do('GET', '/v2/<name>/blobs/<digest>', { digest: blob.digest });
    expect(resp.status).toBe(200);
    expect(resp.body.equals(content)).toBe(true);
  });
});
