/** Content discovery beyond the conformance suite: tag and catalog pagination, referrers details. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OCI_INDEX, OCI_MANIFEST } from '../../support/media-types.js';
import { indexDocument, manifestDocument } from '../../support/oci.js';
import type { HttpResponse } from './harness/http.js';
import type { OciClient } from './harness/oci-client.js';
import { descriptorOf, imageManifest, pushBlob, useRegistry } from './helpers.js';

const { registry, client } = useRegistry();

/** The target of a `Link: <url>; rel="next"` header, or undefined. */
function nextLink(resp: HttpResponse): string | undefined {
  const link = resp.header('link');
  if (link === undefined) return undefined;
  const match = /^<([^>]+)>;\s*rel="next"$/.exec(link);
  expect(match, link).not.toBeNull();
  return match![1];
}

async function tagRepository(c: OciClient, tags: string[]): Promise<void> {
  const image = await imageManifest(c);
  for (const tag of tags) expect((await c.pushManifest(tag, image.content, OCI_MANIFEST)).status).toBe(201);
}

describe('tag list', () => {
  const tags = ['a', 'b', 'c', 'd', 'e'];

  it('pages with n and last, in lexical order, with a Link header to the next page until the end', async () => {
    const c = client();
    await tagRepository(c, [...tags].reverse());
    let resp = await c.do('GET', '/v2/<name>/tags/list', { query: { n: '2' } });
    expect(resp.json()).toEqual({ name: c.defaultName, tags: ['a', 'b'] });
    expect(nextLink(resp)).toBe(`/v2/${c.defaultName}/tags/list?n=2&last=b`);
    const seen: string[] = ['a', 'b'];
    let pages = 1;
    for (let next = nextLink(resp); next !== undefined; next = nextLink(resp)) {
      resp = await c.http().send('GET', next);
      expect(resp.status).toBe(200);
      seen.push(...resp.json<{ tags: string[] }>().tags);
      pages++;
    }
    expect(seen).toEqual(tags);
    expect(pages).toBe(3);
  });

  it('starts after `last` (exclusive), with or without n', async () => {
    const c = client();
    await tagRepository(c, tags);
    expect((await c.do('GET', '/v2/<name>/tags/list', { query: { last: 'b' } })).json()).toEqual({ name: c.defaultName, tags: ['c', 'd', 'e'] });
    const page = await c.do('GET', '/v2/<name>/tags/list', { query: { n: '2', last: 'c' } });
    expect(page.json()).toEqual({ name: c.defaultName, tags: ['d', 'e'] });
    expect(page.header('link')).toBeUndefined();
    const after = await c.do('GET', '/v2/<name>/tags/list', { query: { last: 'zzz' } });
    expect(after.json()).toEqual({ name: c.defaultName, tags: [] });
  });

  it('answers n=0 with an empty list and no Link header', async () => {
    const c = client();
    await tagRepository(c, tags);
    const resp = await c.do('GET', '/v2/<name>/tags/list', { query: { n: '0' } });
    expect(resp.json()).toEqual({ name: c.defaultName, tags: [] });
    expect(resp.header('link')).toBeUndefined();
  });

  it('answers NAME_UNKNOWN for a missing repository and 400 for a malformed n', async () => {
    const missing = await client('not/there').do('GET', '/v2/<name>/tags/list');
    expect([missing.status, missing.errorCode()]).toEqual([404, 'NAME_UNKNOWN']);
    const c = client();
    await tagRepository(c, ['x']);
    for (const n of ['-1', 'abc', '1.5']) {
      expect((await c.do('GET', '/v2/<name>/tags/list', { query: { n } })).status, n).toBe(400);
    }
  });
});

describe('catalog', () => {
  it('pages with a bounded n: more than 1000 is capped at 1000, and Link leads through every repository once', async () => {
    const { app } = registry();
    const prefix = `catalog-${randomUUID().slice(0, 6)}`;
    for (let i = 0; i < 1005; i++) {
      await app.registry.repositories.create({ accountId: app.config.accountId, name: `${prefix}/r${String(i).padStart(4, '0')}` }, 'test');
    }
    const http = registry().http;
    let resp = await http.send('GET', '/v2/_catalog', { query: { n: '5000' } });
    expect(resp.status).toBe(200);
    const first = resp.json<{ repositories: string[] }>().repositories;
    expect(first).toHaveLength(1000);
    expect(nextLink(resp)).toBe(`/v2/_catalog?n=1000&last=${encodeURIComponent(first[999]!)}`);

    const all = [...first];
    for (let next = nextLink(resp); next !== undefined; next = nextLink(resp)) {
      resp = await http.send('GET', next);
      all.push(...resp.json<{ repositories: string[] }>().repositories);
    }
    const ours = all.filter((n) => n.startsWith(`${prefix}/`));
    expect(ours).toHaveLength(1005);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual([...all].sort());
  });

  it('answers a default page of 100 with a Link header when n is not given, and n=0 with an empty list', async () => {
    const http = registry().http;
    const resp = await http.send('GET', '/v2/_catalog');
    expect(resp.json<{ repositories: string[] }>().repositories).toHaveLength(100);
    expect(nextLink(resp)).toMatch(/^\/v2\/_catalog\?n=100&last=/);
    const none = await http.send('GET', '/v2/_catalog', { query: { n: '0' } });
    expect(none.json()).toEqual({ repositories: [] });
    expect(none.header('link')).toBeUndefined();
  });
});

describe('referrers', () => {
  it('reports artifactType from the manifest, else its config media type, and omits it for an index without one', async () => {
    const c = client();
    const subject = await imageManifest(c);
    expect((await c.pushManifest('app', subject.content, OCI_MANIFEST)).status).toBe(201);
    const subjectDescriptor = { mediaType: OCI_MANIFEST, digest: subject.digest, size: subject.content.length };
    const config = await pushBlob(c, Buffer.from('{"kind":"sig"}'), 'application/vnd.example.config');
    const layer = await pushBlob(c);
    const byConfig = Buffer.from(JSON.stringify(manifestDocument({ config: descriptorOf(config), layers: [descriptorOf(layer)], subject: subjectDescriptor })));
    const child = await imageManifest(c);
    expect((await c.pushManifest(child.digest, child.content, OCI_MANIFEST)).status).toBe(201);
    const index = Buffer.from(JSON.stringify(indexDocument({ manifests: [{ mediaType: OCI_MANIFEST, digest: child.digest, size: child.content.length }], subject: subjectDescriptor })));
    for (const [content, type] of [
      [byConfig, OCI_MANIFEST],
      [index, OCI_INDEX],
    ] as const) {
      const put = await c.pushManifest(`r-${randomUUID().slice(0, 6)}`, content, type);
      expect([put.status, put.header('oci-subject')]).toEqual([201, subject.digest]);
    }
    const resp = await c.do('GET', '/v2/<name>/referrers/<digest>', { digest: subject.digest });
    expect(resp.header('oci-filters-applied')).toBeUndefined();
    const manifests = resp.json<{ manifests: { mediaType: string; artifactType?: string }[] }>().manifests;
    expect(manifests).toHaveLength(2);
    const byType = Object.fromEntries(manifests.map((m) => [m.mediaType, m]));
    expect(byType[OCI_MANIFEST]!.artifactType).toBe('application/vnd.example.config');
    expect(byType[OCI_INDEX]).not.toHaveProperty('artifactType');

    const filtered = await c.do('GET', '/v2/<name>/referrers/<digest>', { digest: subject.digest, query: { artifactType: 'application/vnd.none' } });
    expect(filtered.header('oci-filters-applied')).toBe('artifactType');
    expect(filtered.json<{ manifests: unknown[] }>().manifests).toEqual([]);
  });

  it('drops a deleted referrer from the list, and keeps referrers listed after their subject is deleted', async () => {
    const c = client();
    const subject = await imageManifest(c);
    expect((await c.pushManifest('s', subject.content, OCI_MANIFEST)).status).toBe(201);
    const subjectDescriptor = { mediaType: OCI_MANIFEST, digest: subject.digest, size: subject.content.length };
    const digests: string[] = [];
    for (let i = 0; i < 2; i++) {
      const referrer = await imageManifest(c, { extra: { subject: subjectDescriptor } });
      expect((await c.pushManifest(referrer.digest, referrer.content, OCI_MANIFEST)).status).toBe(201);
      digests.push(referrer.digest);
    }
    const list = async () =>
      (await c.do('GET', '/v2/<name>/referrers/<digest>', { digest: subject.digest })).json<{ manifests: { digest: string }[] }>().manifests.map((m) => m.digest).sort();
    expect(await list()).toEqual([...digests].sort());
    expect((await c.do('DELETE', '/v2/<name>/manifests/<digest>', { digest: digests[0] })).status).toBe(202);
    expect(await list()).toEqual([digests[1]]);
    expect((await c.do('DELETE', '/v2/<name>/manifests/<digest>', { digest: subject.digest })).status).toBe(202);
    expect(await list()).toEqual([digests[1]]);
  });

  it('answers 200 with an empty index for a repository that does not exist, and 400 DIGEST_INVALID for a bad digest', async () => {
    const missing = await client('no/referrers-here').do('GET', '/v2/<name>/referrers/<digest>', { digest: `sha256:${'b'.repeat(64)}` });
    expect(missing.status).toBe(200);
    expect(missing.header('content-type')).toBe(OCI_INDEX);
    expect(missing.json()).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
    const c = client();
    await pushBlob(c);
    const bad = await c.do('GET', '/v2/<name>/referrers/<digest>', { digest: 'sha256:nothex' });
    expect([bad.status, bad.errorCode()]).toEqual([400, 'DIGEST_INVALID']);
  });
});
