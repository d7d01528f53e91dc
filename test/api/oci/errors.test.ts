/**
 * The error envelope and every error code of the spec, each produced by a request that should
 * produce it. Access errors come from an OciAccess stand-in (the IAM module provides the real one).
 */
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openAccess } from '../../../src/api/oci/access.js';
import type { OciAccess } from '../../../src/iam/ports.js';
import { DomainError } from '../../../src/domain/errors.js';
import { sha256 } from '../../support/digest.js';
import { OCI_MANIFEST } from '../../support/media-types.js';
import { relativeLocation } from './harness/http.js';
import { imageManifest, pushBlob, useRegistry } from './helpers.js';
import { blobFileFor } from './storage-probe.js';

const MAX_BLOB = 64 * 1024;
const open = openAccess('000000000000');
const access: OciAccess = {
  ...open,
  challenge: () => 'Basic realm="berth"',
  async authorize(_principal, _operation, target) {
    const name = target.repository?.name ?? '';
    if (name.startsWith('forbidden/')) throw new DomainError('AccessDenied', 'not allowed to touch forbidden/*');
    if (name.startsWith('private/')) throw new DomainError('Unauthenticated', 'authentication required');
    if (name.startsWith('busy/')) throw new DomainError('TooManyRequests', 'slow down');
  },
};

const { registry, client } = useRegistry({ registry: { maxBlobBytes: MAX_BLOB } }, { access });

interface Envelope {
  errors: { code: string; message: string; detail?: unknown }[];
}

describe('error envelope', () => {
  it('is JSON {errors:[{code,message,detail?}]} with an upper-case code', async () => {
    const resp = await client().do('GET', '/v2/<name>/tags/list');
    expect(resp.status).toBe(404);
    expect(resp.header('content-type')).toMatch(/^application\/json/);
    const body = resp.json<Envelope>();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.code).toMatch(/^[A-Z_]+$/);
    expect(typeof body.errors[0]!.message).toBe('string');
  });
});

describe('every spec error code', () => {
  const code = async (resp: Promise<{ status: number; errorCode(): string | undefined }>) => {
    const r = await resp;
    return [r.status, r.errorCode()];
  };

  it('BLOB_UNKNOWN, BLOB_UPLOAD_INVALID, BLOB_UPLOAD_UNKNOWN, DIGEST_INVALID', async () => {
    const c = client();
    await pushBlob(c);
    expect(await code(c.do('GET', '/v2/<name>/blobs/<digest>', { digest: sha256('absent') }))).toEqual([404, 'BLOB_UNKNOWN']);
    const location = relativeLocation(await c.do('POST', '/v2/<name>/blobs/uploads/'));
    expect(await code(c.http().send('PATCH', location, { headers: { 'content-range': 'nonsense' }, body: Buffer.from('x') }))).toEqual([400, 'BLOB_UPLOAD_INVALID']);
    expect(await code(c.http().send('GET', `/v2/${c.defaultName}/blobs/uploads/00000000-0000-4000-8000-000000000000`))).toEqual([404, 'BLOB_UPLOAD_UNKNOWN']);
    expect(await code(c.do('GET', '/v2/<name>/blobs/<digest>', { digest: 'sha256:123' }))).toEqual([400, 'DIGEST_INVALID']);
  });

  it('MANIFEST_BLOB_UNKNOWN, MANIFEST_INVALID, MANIFEST_UNKNOWN, TAG_INVALID', async () => {
    const c = client();
    const image = await imageManifest(c);
    const doc = JSON.parse(image.content.toString()) as { layers: { digest: string }[] };
    doc.layers[0]!.digest = sha256('gone');
    expect(await code(c.pushManifest('t', Buffer.from(JSON.stringify(doc)), OCI_MANIFEST))).toEqual([400, 'MANIFEST_BLOB_UNKNOWN']);
    expect(await code(c.pushManifest('t', Buffer.from('[]'), OCI_MANIFEST))).toEqual([400, 'MANIFEST_INVALID']);
    expect(await code(c.do('GET', '/v2/<name>/manifests/<reference>', { reference: 'absent' }))).toEqual([404, 'MANIFEST_UNKNOWN']);
    expect(await code(c.pushManifest('bad!tag', image.content, OCI_MANIFEST))).toEqual([400, 'TAG_INVALID']);
  });

  it('NAME_INVALID for names outside the grammar, on every endpoint; NAME_UNKNOWN for missing repositories', async () => {
    for (const name of ['Upper/case', 'a___b', 'a.-b', '-lead', 'trail-', `${'a'.repeat(257)}`, 'a//b']) {
      for (const [method, path] of [
        ['GET', `/v2/${name}/tags/list`],
        ['POST', `/v2/${name}/blobs/uploads/`],
        ['PUT', `/v2/${name}/manifests/latest`],
        ['GET', `/v2/${name}/blobs/${sha256('x')}`],
      ] as const) {
        const resp = await registry().http.send(method, path);
        expect([resp.status, resp.errorCode()], `${method} ${path}`).toEqual([400, 'NAME_INVALID']);
      }
    }
    expect((await client('a__b/c--d/e.f_g').do('POST', '/v2/<name>/blobs/uploads/')).status).toBe(202);
    expect(await code(client('never/pushed').do('GET', '/v2/<name>/manifests/<reference>', { reference: 'x' }))).toEqual([404, 'NAME_UNKNOWN']);
  });

  it('SIZE_INVALID for a blob over the configured limit, storing nothing', async () => {
    const c = client();
    const content = randomBytes(MAX_BLOB + 1);
    const resp = await c.do('POST', '/v2/<name>/blobs/uploads/', { query: { digest: sha256(content) }, body: content });
    expect([resp.status, resp.errorCode()]).toEqual([400, 'SIZE_INVALID']);
    expect(await blobFileFor(registry().dataDir, sha256(content))).toBeUndefined();
    const exact = randomBytes(MAX_BLOB);
    expect((await c.do('POST', '/v2/<name>/blobs/uploads/', { query: { digest: sha256(exact) }, body: exact })).status).toBe(201);
  });

  it('SIZE_INVALID mid-stream for a streamed blob over the limit, and the connection serves the next request', async () => {
    const c = client();
    const location = relativeLocation(await c.do('POST', '/v2/<name>/blobs/uploads/'));
    const body = new PassThrough();
    const patching = c.http().send('PATCH', location, { headers: { 'content-type': 'application/octet-stream' }, body });
    body.write(randomBytes(16 * 1024));
    await sleep(200);
    // Small enough for the socket buffers to take it all, so the client finishes its request.
    body.end(randomBytes(2 * 1024 * 1024));
    const refused = await patching;
    expect([refused.status, refused.errorCode()]).toEqual([400, 'SIZE_INVALID']);
    // The same keep-alive connection (the harness's agent reuses it): the refused body was drained.
    expect((await c.http().send('GET', location)).status).toBe(204);
  });

  it('UNSUPPORTED for a method an endpoint does not have (405)', async () => {
    const c = client();
    await pushBlob(c);
    for (const [method, path] of [
      ['PUT', '/v2/<name>/tags/list'],
      ['POST', '/v2/<name>/manifests/latest'],
      ['PATCH', `/v2/<name>/blobs/${sha256('x')}`],
      ['DELETE', '/v2/_catalog'],
    ] as const) {
      expect(await code(c.do(method, path)), `${method} ${path}`).toEqual([405, 'UNSUPPORTED']);
    }
  });

  it('DENIED (403), UNAUTHORIZED (401 with a challenge) and TOOMANYREQUESTS (429) from access control', async () => {
    expect(await code(client('forbidden/x').do('GET', '/v2/<name>/tags/list'))).toEqual([403, 'DENIED']);
    const unauthorized = await client('private/x').do('POST', '/v2/<name>/blobs/uploads/');
    expect([unauthorized.status, unauthorized.errorCode()]).toEqual([401, 'UNAUTHORIZED']);
    expect(unauthorized.header('www-authenticate')).toBe('Basic realm="berth"');
    expect(await code(client('busy/x').do('GET', '/v2/<name>/manifests/<reference>', { reference: 'x' }))).toEqual([429, 'TOOMANYREQUESTS']);
  });

  it('answers unknown /v2 paths with 404 and a code from the spec', async () => {
    for (const path of ['/v2/name/unknown', '/v2/name/blobs/', '/v2/name/blobs/uploads/a/b']) {
      const resp = await registry().http.send('GET', path);
      expect([resp.status, resp.errorCode()], path).toEqual([404, 'UNSUPPORTED']);
    }
  });
});
