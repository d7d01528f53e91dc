/**
 * Manifest GET/HEAD/DELETE beyond the conformance suite, and Accept negotiation.
 *
 * Negotiation follows distribution (the reference registry): a manifest whose media type the
 * Accept header does not list is MANIFEST_UNKNOWN (404), so an old client never receives a
 * document it cannot parse. A request without Accept gets the manifest as stored (as zot does).
 * docker, containerd, crane and skopeo all list the OCI and Docker types, so they always match.
 */
import { describe, expect, it } from 'vitest';
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST } from '../../support/media-types.js';
import { indexDocument } from '../../support/oci.js';
import type { OciClient } from './harness/oci-client.js';
import { imageManifest, useRegistry } from './helpers.js';

const { client } = useRegistry();

// What docker (and containerd) send when pulling.
const DOCKER_ACCEPT = [DOCKER_MANIFEST, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX];

async function pushIndex(c: OciClient, tag: string): Promise<{ digest: string; content: Buffer }> {
  const child = await imageManifest(c);
  expect((await c.pushManifest(child.digest, child.content, OCI_MANIFEST)).status).toBe(201);
  const content = Buffer.from(
    JSON.stringify(indexDocument({ manifests: [{ mediaType: OCI_MANIFEST, digest: child.digest, size: child.content.length, platform: { architecture: 'amd64', os: 'linux' } }] })),
  );
  const put = await c.pushManifest(tag, content, OCI_INDEX);
  expect(put.status).toBe(201);
  return { digest: put.header('docker-content-digest')!, content };
}

describe('Accept negotiation', () => {
  const get = (c: OciClient, method: string, accept?: string | string[]) =>
    c.do(method, '/v2/<name>/manifests/<reference>', { reference: 'multi', headers: accept === undefined ? {} : { accept } });

  it('serves an index to clients that accept it: docker-style multiple Accept headers, one list, */*, or none', async () => {
    const c = client();
    const index = await pushIndex(c, 'multi');
    for (const accept of [
      DOCKER_ACCEPT,
      DOCKER_ACCEPT.join(', '),
      `${OCI_MANIFEST};q=0.9, ${OCI_INDEX};q=0.5`,
      '*/*',
      'application/*',
      undefined,
    ]) {
      for (const method of ['GET', 'HEAD']) {
        const resp = await get(c, method, accept);
        expect(resp.status, `${method} ${String(accept)}`).toBe(200);
        expect(resp.header('content-type')).toBe(OCI_INDEX);
        expect(resp.header('docker-content-digest')).toBe(index.digest);
        expect(resp.header('content-length')).toBe(String(index.content.length));
      }
    }
  });

  it('answers MANIFEST_UNKNOWN (404) when the Accept header excludes the stored type, for GET and HEAD alike', async () => {
    const c = client();
    await pushIndex(c, 'multi');
    for (const accept of [DOCKER_MANIFEST, `${OCI_MANIFEST}, ${DOCKER_MANIFEST}`, 'application/json', `${OCI_INDEX};q=0`]) {
      const resp = await get(c, 'GET', accept);
      expect([resp.status, resp.errorCode()], accept).toEqual([404, 'MANIFEST_UNKNOWN']);
      expect((await get(c, 'HEAD', accept)).status, accept).toBe(404);
    }
  });

  it('applies the same rule to a manifest fetched by digest', async () => {
    const c = client();
    const index = await pushIndex(c, 'multi');
    const byDigest = (accept: string) => c.do('GET', '/v2/<name>/manifests/<digest>', { digest: index.digest, headers: { accept } });
    expect((await byDigest(OCI_INDEX)).status).toBe(200);
    expect((await byDigest(DOCKER_MANIFEST)).status).toBe(404);
  });
});

describe('manifest DELETE', () => {
  it('by tag removes only the tag; by digest removes the manifest and every tag on it', async () => {
    const c = client();
    const image = await imageManifest(c);
    for (const tag of ['a', 'b', 'c']) expect((await c.pushManifest(tag, image.content, OCI_MANIFEST)).status).toBe(201);
    expect((await c.do('DELETE', '/v2/<name>/manifests/<reference>', { reference: 'a' })).status).toBe(202);
    expect((await c.do('GET', '/v2/<name>/tags/list')).json()).toEqual({ name: c.defaultName, tags: ['b', 'c'] });
    expect((await c.do('HEAD', '/v2/<name>/manifests/<digest>', { digest: image.digest })).status).toBe(200);

    expect((await c.do('DELETE', '/v2/<name>/manifests/<digest>', { digest: image.digest })).status).toBe(202);
    expect((await c.do('GET', '/v2/<name>/tags/list')).json()).toEqual({ name: c.defaultName, tags: [] });
    for (const reference of ['b', image.digest]) {
      const resp = await c.do('GET', '/v2/<name>/manifests/<reference>', { reference });
      expect([resp.status, resp.errorCode()]).toEqual([404, 'MANIFEST_UNKNOWN']);
    }
  });

  it('answers 404 MANIFEST_UNKNOWN for unknown tags and digests, NAME_UNKNOWN for an unknown repository', async () => {
    const c = client();
    await imageManifest(c);
    for (const reference of ['nope', `sha256:${'a'.repeat(64)}`, '.not-a-tag']) {
      const resp = await c.do('DELETE', '/v2/<name>/manifests/<reference>', { reference });
      expect([resp.status, resp.errorCode()], reference).toEqual([404, 'MANIFEST_UNKNOWN']);
    }
    const resp = await client('missing/repo').do('DELETE', '/v2/<name>/manifests/<reference>', { reference: 'x' });
    expect([resp.status, resp.errorCode()]).toEqual([404, 'NAME_UNKNOWN']);
  });
});
