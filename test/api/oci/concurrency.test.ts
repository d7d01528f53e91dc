/** Many clients pushing the same blob, manifest or tag at once: every request ends cleanly, state stays consistent. */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../support/digest.js';
import { OCI_CONFIG, OCI_MANIFEST } from '../../support/media-types.js';
import { manifestDocument } from '../../support/oci.js';
import { relativeLocation } from './harness/http.js';
import { descriptorOf, imageManifest, pushBlob, useRegistry } from './helpers.js';
import { blobFiles, uploadFiles } from './storage-probe.js';

const { registry, client } = useRegistry();
const CLIENTS = 20;
const OCTET = { 'content-type': 'application/octet-stream' };

describe('concurrent pushes', () => {
  it('20 clients pushing the same blob (single POST, POST+PUT and chunked) all get 201 and one stored copy', async () => {
    const c = client();
    const content = randomBytes(256 * 1024);
    const digest = sha256(content);
    const before = (await blobFiles(registry().dataDir)).length;
    const results = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        if (i % 3 === 0) {
          return c.do('POST', '/v2/<name>/blobs/uploads/', { query: { digest }, headers: OCTET, body: content });
        }
        if (i % 3 === 1) return c.pushBlob(content);
        const started = await c.do('POST', '/v2/<name>/blobs/uploads/');
        const location = relativeLocation(started);
        await c.http().send('PATCH', location, { headers: { ...OCTET, 'content-range': '0-99999' }, body: content.subarray(0, 100_000) });
        return c.http().send('PUT', location, { query: { digest }, headers: { ...OCTET, 'content-range': `100000-${content.length - 1}` }, body: content.subarray(100_000) });
      }),
    );
    expect(results.map((r) => r.status)).toEqual(Array(CLIENTS).fill(201));
    const got = await c.do('GET', '/v2/<name>/blobs/<digest>', { digest });
    expect(got.body.equals(content)).toBe(true);
    expect((await blobFiles(registry().dataDir)).length).toBe(before + 1);
    expect(await uploadFiles(registry().dataDir)).toEqual([]);
  });

  it('20 clients moving one tag to 20 different manifests all get 201; the tag ends on exactly one of them', async () => {
    const c = client();
    const layer = await pushBlob(c);
    const manifests = await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const config = await pushBlob(c, Buffer.from(JSON.stringify({ id: randomUUID() })), OCI_CONFIG);
        return Buffer.from(JSON.stringify(manifestDocument({ config: descriptorOf(config), layers: [descriptorOf(layer)] })));
      }),
    );
    const results = await Promise.all(manifests.map((m) => c.pushManifest('latest', m, OCI_MANIFEST)));
    expect(results.map((r) => r.status)).toEqual(Array(CLIENTS).fill(201));

    const head = await c.do('HEAD', '/v2/<name>/manifests/<reference>', { reference: 'latest' });
    const get = await c.do('GET', '/v2/<name>/manifests/<reference>', { reference: 'latest' });
    expect(head.header('docker-content-digest')).toBe(get.header('docker-content-digest'));
    expect(sha256(get.body)).toBe(get.header('docker-content-digest'));
    expect(manifests.map(sha256)).toContain(sha256(get.body));
    const tags = await c.do('GET', '/v2/<name>/tags/list');
    expect(tags.json()).toEqual({ name: c.defaultName, tags: ['latest'] });
    // Every manifest is still there by digest: moving a tag does not delete what it pointed at.
    for (const m of manifests) {
      expect((await c.do('HEAD', '/v2/<name>/manifests/<digest>', { digest: sha256(m) })).status).toBe(200);
    }
  });

  it('20 clients pushing the same manifest under the same tag all get 201 with the same digest', async () => {
    const c = client();
    const image = await imageManifest(c);
    const results = await Promise.all(Array.from({ length: CLIENTS }, () => c.pushManifest('v1', image.content, OCI_MANIFEST)));
    expect(results.map((r) => [r.status, r.header('docker-content-digest')])).toEqual(Array(CLIENTS).fill([201, image.digest]));
    const get = await c.do('GET', '/v2/<name>/manifests/<reference>', { reference: 'v1' });
    expect(get.body.equals(image.content)).toBe(true);
  });

  it('20 clients creating the same repository on first push all succeed and the catalog lists it once', async () => {
    const name = `race/${randomUUID().slice(0, 8)}`;
    const c = client(name);
    const results = await Promise.all(Array.from({ length: CLIENTS }, () => c.pushBlob(randomBytes(16))));
    expect(results.map((r) => r.status)).toEqual(Array(CLIENTS).fill(201));
    const catalog = await registry().http.send('GET', '/v2/_catalog', { query: { n: '1000' } });
    const names = catalog.json<{ repositories: string[] }>().repositories;
    expect(names.filter((n) => n === name)).toEqual([name]);
  });

  it('20 clients patching one session concurrently: appends are serialised and the result verifies', async () => {
    const c = client();
    const started = await c.do('POST', '/v2/<name>/blobs/uploads/');
    const location = relativeLocation(started);
    const pieces = Array.from({ length: CLIENTS }, () => randomBytes(4096));
    // Streamed PATCHes (no Content-Range) append in whatever order the server takes them.
    const results = await Promise.all(pieces.map((p) => c.http().send('PATCH', location, { headers: OCTET, body: p })));
    expect(results.map((r) => r.status)).toEqual(Array(CLIENTS).fill(202));
    const ranges = results.map((r) => Number(r.header('range')!.split('-')[1]) + 1).sort((a, b) => a - b);
    expect(ranges).toEqual(pieces.map((_, i) => (i + 1) * 4096));
    // Rebuild the order from the acknowledged offsets and complete with that digest.
    const ordered = results
      .map((r, i) => ({ end: Number(r.header('range')!.split('-')[1]), piece: pieces[i]! }))
      .sort((a, b) => a.end - b.end)
      .map((x) => x.piece);
    const done = await c.http().send('PUT', location, { query: { digest: sha256(Buffer.concat(ordered)) } });
    expect(done.status).toBe(201);
  });
});
