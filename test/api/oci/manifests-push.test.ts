/** Manifest PUT beyond the conformance suite: every manifest type, references, size limit, refusals. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256, sha512 } from '../../support/digest.js';
import { DOCKER_CONFIG, DOCKER_LAYER, DOCKER_LIST, DOCKER_MANIFEST, OCI_CONFIG, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST } from '../../support/media-types.js';
import { indexDocument, manifestDocument } from '../../support/oci.js';
import type { OciClient } from './harness/oci-client.js';
import { descriptorOf, imageManifest, pushBlob, useRegistry } from './helpers.js';

const { client } = useRegistry();
const MIB = 1024 * 1024;

async function expectAbsent(c: OciClient, digest: string): Promise<void> {
  const resp = await c.do('HEAD', '/v2/<name>/manifests/<digest>', { digest });
  expect(resp.status).toBe(404);
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

describe('image manifests', () => {
  it('stores an OCI image manifest byte for byte: 201 with Location and Docker-Content-Digest, GET returns the same bytes', async () => {
    const c = client();
    const image = await imageManifest(c);
    const put = await c.pushManifest('v1', image.content, OCI_MANIFEST);
    expect(put.status).toBe(201);
    expect(put.header('location')).toBe(`/v2/${c.defaultName}/manifests/${image.digest}`);
    expect(put.header('docker-content-digest')).toBe(image.digest);
    expect(put.header('oci-subject')).toBeUndefined();
    const get = await c.do('GET', '/v2/<name>/manifests/<reference>', { reference: 'v1', headers: { accept: OCI_MANIFEST } });
    expect(get.body.equals(image.content)).toBe(true);
    expect(get.header('content-type')).toBe(OCI_MANIFEST);
    expect(get.header('docker-content-digest')).toBe(image.digest);
  });

  it('stores a Docker schema2 manifest and serves it with its own media type', async () => {
    const c = client();
    const image = await imageManifest(c, { mediaType: DOCKER_MANIFEST, configType: DOCKER_CONFIG, layerType: DOCKER_LAYER });
    expect((await c.pushManifest('docker', image.content, DOCKER_MANIFEST)).status).toBe(201);
    const get = await c.do('GET', '/v2/<name>/manifests/<reference>', { reference: 'docker', headers: { accept: DOCKER_MANIFEST } });
    expect([get.status, get.header('content-type')]).toEqual([200, DOCKER_MANIFEST]);
    expect(get.body.equals(image.content)).toBe(true);
  });

  it('accepts a manifest without Content-Type when its mediaType field says what it is', async () => {
    const c = client();
    const image = await imageManifest(c);
    const resp = await c.do('PUT', '/v2/<name>/manifests/<reference>', { reference: 'untyped', body: image.content });
    expect(resp.status).toBe(201);
  });

  it('refuses a manifest whose layer or config is not in the repository (MANIFEST_BLOB_UNKNOWN) and stores nothing', async () => {
    const c = client();
    const config = await pushBlob(c, Buffer.from('{}'), OCI_CONFIG);
    const missing = { mediaType: DOCKER_LAYER, digest: sha256('never pushed'), size: 12 };
    for (const doc of [
      manifestDocument({ config: descriptorOf(config), layers: [missing] }),
      manifestDocument({ config: { ...missing, mediaType: OCI_CONFIG }, layers: [] }),
    ]) {
      const content = json(doc);
      const resp = await c.pushManifest('broken', content, OCI_MANIFEST);
      expect([resp.status, resp.errorCode()]).toEqual([400, 'MANIFEST_BLOB_UNKNOWN']);
      await expectAbsent(c, sha256(content));
    }
    const tag = await c.do('HEAD', '/v2/<name>/manifests/<reference>', { reference: 'broken' });
    expect(tag.status).toBe(404);
  });

  it('refuses a blob that another repository holds but this one does not (no implicit cross-repository access)', async () => {
    const owner = client();
    const layer = await pushBlob(owner);
    const c = client();
    const config = await pushBlob(c, Buffer.from('{"a":1}'), OCI_CONFIG);
    const content = json(manifestDocument({ config: descriptorOf(config), layers: [descriptorOf(layer)] }));
    const resp = await c.pushManifest('x', content, OCI_MANIFEST);
    expect(resp.errorCode()).toBe('MANIFEST_BLOB_UNKNOWN');
  });

  it('refuses a descriptor whose size disagrees with the stored blob (MANIFEST_INVALID)', async () => {
    const c = client();
    const image = await imageManifest(c);
    const doc = JSON.parse(image.content.toString()) as { layers: { size: number }[] };
    doc.layers[0]!.size += 1;
    const resp = await c.pushManifest('wrong-size', json(doc), OCI_MANIFEST);
    expect([resp.status, resp.errorCode()]).toEqual([400, 'MANIFEST_INVALID']);
  });

  it('accepts a nondistributable layer with URLs without holding its blob', async () => {
    const c = client();
    const image = await imageManifest(c);
    const doc = JSON.parse(image.content.toString()) as { layers: unknown[] };
    doc.layers.push({
      mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
      digest: sha256('windows base layer'),
      size: 1000,
      urls: ['https://example.invalid/layer'],
    });
    expect((await c.pushManifest('foreign', json(doc), OCI_MANIFEST)).status).toBe(201);
  });
});

describe('indexes and manifest lists', () => {
  async function children(c: OciClient, mediaType: string, configType?: string) {
    const a = await imageManifest(c, { mediaType, ...(configType && { configType }) });
    const b = await imageManifest(c, { mediaType, ...(configType && { configType }) });
    expect((await c.pushManifest(a.digest, a.content, mediaType)).status).toBe(201);
    return { a, b };
  }
  const platformEntry = (mediaType: string, m: { content: Buffer; digest: string }, arch: string) => ({
    mediaType,
    digest: m.digest,
    size: m.content.length,
    platform: { architecture: arch, os: 'linux' },
  });

  for (const [listType, childType] of [
    [OCI_INDEX, OCI_MANIFEST],
    [DOCKER_LIST, DOCKER_MANIFEST],
  ] as const) {
    it(`refuses a ${listType === OCI_INDEX ? 'OCI index' : 'Docker manifest list'} with a missing child, accepts it once the child is pushed`, async () => {
      const c = client();
      const { a, b } = await children(c, childType, childType === DOCKER_MANIFEST ? DOCKER_CONFIG : undefined);
      const list = json(indexDocument({ mediaType: listType, manifests: [platformEntry(childType, a, 'amd64'), platformEntry(childType, b, 'arm64')] }));
      const refused = await c.pushManifest('multi', list, listType);
      expect([refused.status, refused.errorCode()]).toEqual([400, 'MANIFEST_BLOB_UNKNOWN']);
      await expectAbsent(c, sha256(list));

      expect((await c.pushManifest(b.digest, b.content, childType)).status).toBe(201);
      const accepted = await c.pushManifest('multi', list, listType);
      expect(accepted.status).toBe(201);
      const get = await c.do('GET', '/v2/<name>/manifests/<reference>', { reference: 'multi', headers: { accept: listType } });
      expect([get.status, get.header('content-type')]).toEqual([200, listType]);
      expect(get.body.equals(list)).toBe(true);
    });
  }

  it('refuses an index entry whose media type is not a manifest', async () => {
    const c = client();
    const blob = await pushBlob(c);
    const resp = await c.pushManifest('bad', json(indexDocument({ manifests: [descriptorOf(blob)] })), OCI_INDEX);
    expect([resp.status, resp.errorCode()]).toEqual([400, 'MANIFEST_INVALID']);
  });
});

describe('artifacts', () => {
  it('accepts an artifact with the empty config (the 2-byte {} blob) and artifactType, and lists it as a referrer', async () => {
    const c = client();
    const subject = await imageManifest(c);
    expect((await c.pushManifest('app', subject.content, OCI_MANIFEST)).status).toBe(201);
    const empty = await pushBlob(c, Buffer.from('{}'), OCI_EMPTY);
    expect(empty.digest).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    const signature = await pushBlob(c, randomBytes(64), 'application/vnd.example.signature');
    const artifact = json(
      manifestDocument({
        artifactType: 'application/vnd.example.sbom+json',
        config: descriptorOf(empty),
        layers: [descriptorOf(signature)],
        subject: { mediaType: OCI_MANIFEST, digest: subject.digest, size: subject.content.length },
        annotations: { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
      }),
    );
    const put = await c.pushManifest(sha256(artifact), artifact, OCI_MANIFEST);
    expect(put.status).toBe(201);
    expect(put.header('oci-subject')).toBe(subject.digest);
    const refs = await c.do('GET', '/v2/<name>/referrers/<digest>', { digest: subject.digest });
    expect(refs.json()).toEqual({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: sha256(artifact),
          size: artifact.length,
          artifactType: 'application/vnd.example.sbom+json',
          annotations: { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
        },
      ],
    });
  });

  it('accepts an artifact whose only layer is the empty blob too', async () => {
    const c = client();
    const empty = await pushBlob(c, Buffer.from('{}'), OCI_EMPTY);
    const artifact = json(manifestDocument({ artifactType: 'application/vnd.example.marker', config: descriptorOf(empty), layers: [descriptorOf(empty)] }));
    expect((await c.pushManifest('marker', artifact, OCI_MANIFEST)).status).toBe(201);
  });
});

describe('digests and references', () => {
  it('accepts a manifest pushed by its sha512 digest and serves it under that digest', async () => {
    const c = client();
    const image = await imageManifest(c);
    const digest = sha512(image.content);
    const put = await c.pushManifest(digest, image.content, OCI_MANIFEST);
    expect([put.status, put.header('docker-content-digest')]).toEqual([201, digest]);
    const get = await c.do('GET', '/v2/<name>/manifests/<digest>', { digest });
    expect([get.status, get.header('docker-content-digest')]).toEqual([200, digest]);
    expect(get.body.equals(image.content)).toBe(true);
  });

  it('refuses a manifest pushed under a digest it does not have (DIGEST_INVALID)', async () => {
    const c = client();
    const image = await imageManifest(c);
    const wrong = sha256(Buffer.concat([image.content, Buffer.from(' ')]));
    const resp = await c.pushManifest(wrong, image.content, OCI_MANIFEST);
    expect([resp.status, resp.errorCode()]).toEqual([400, 'DIGEST_INVALID']);
    await expectAbsent(c, image.digest);
  });

  it('refuses tags outside the grammar with TAG_INVALID', async () => {
    const c = client();
    const image = await imageManifest(c);
    for (const tag of ['-leading-dash', '.dot', 'a'.repeat(129), 'has+plus']) {
      const resp = await c.pushManifest(tag, image.content, OCI_MANIFEST);
      expect([resp.status, resp.errorCode()], tag).toEqual([400, 'TAG_INVALID']);
    }
    expect((await c.pushManifest(`_${'a'.repeat(127)}`, image.content, OCI_MANIFEST)).status).toBe(201);
  });
});

describe('refused documents', () => {
  it('refuses Docker schema1 manifests (signed or not) as UNSUPPORTED', async () => {
    const c = client();
    const schema1 = json({ schemaVersion: 1, name: c.defaultName, tag: 'old', architecture: 'amd64', fsLayers: [], history: [] });
    for (const type of ['application/vnd.docker.distribution.manifest.v1+prettyjws', 'application/vnd.docker.distribution.manifest.v1+json', 'application/json']) {
      const resp = await c.pushManifest('old', schema1, type);
      expect([resp.status, resp.errorCode()], type).toEqual([415, 'UNSUPPORTED']);
    }
    await expectAbsent(c, sha256(schema1));
  });

  it('refuses invalid JSON, a wrong schemaVersion, and a body that contradicts its Content-Type (MANIFEST_INVALID)', async () => {
    const c = client();
    const image = await imageManifest(c);
    const cases: [Buffer, string][] = [
      [Buffer.from('{not json'), OCI_MANIFEST],
      [json({ schemaVersion: 3, mediaType: OCI_MANIFEST, config: {}, layers: [] }), OCI_MANIFEST],
      [image.content, DOCKER_MANIFEST],
      [json({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] }), OCI_MANIFEST],
    ];
    for (const [content, type] of cases) {
      const resp = await c.pushManifest('bad', content, type);
      expect([resp.status, resp.errorCode()], content.toString().slice(0, 60)).toEqual([400, 'MANIFEST_INVALID']);
    }
  });
});

describe('manifest size limit (4 MiB)', () => {
  async function padded(c: OciClient, size: number): Promise<Buffer> {
    const image = await imageManifest(c);
    const base = JSON.parse(image.content.toString()) as Record<string, unknown>;
    const skeleton = json({ ...base, annotations: { pad: '' } });
    return json({ ...base, annotations: { pad: 'x'.repeat(size - skeleton.length) } });
  }

  it('accepts a manifest of exactly 4 MiB and serves it back intact', async () => {
    const c = client();
    const content = await padded(c, 4 * MIB);
    expect(content.length).toBe(4 * MIB);
    const put = await c.pushManifest('big', content, OCI_MANIFEST);
    expect(put.status).toBe(201);
    const get = await c.do('GET', '/v2/<name>/manifests/<reference>', { reference: 'big' });
    expect(get.body.equals(content)).toBe(true);
  });

  it('refuses one byte more with 413, without storing it', async () => {
    const c = client();
    const content = await padded(c, 4 * MIB + 1);
    const put = await c.pushManifest('too-big', content, OCI_MANIFEST);
    expect([put.status, put.errorCode()]).toEqual([413, 'SIZE_INVALID']);
    await expectAbsent(c, sha256(content));
    // The connection stays usable after the refused body.
    expect((await c.do('GET', '/v2/')).status).toBe(200);
  });
});
