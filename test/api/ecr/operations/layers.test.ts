/**
 * Layer uploads through the API (InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload),
 * BatchCheckLayerAvailability and GetDownloadUrlForLayer, end to end with /v2 pulls.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BatchCheckLayerAvailabilityCommand,
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  EmptyUploadException,
  GetDownloadUrlForLayerCommand,
  InitiateLayerUploadCommand,
  InvalidLayerException,
  InvalidLayerPartException,
  InvalidParameterException,
  LayerAlreadyExistsException,
  LayerInaccessibleException,
  LayersNotFoundException,
  PutImageCommand,
  RepositoryNotFoundException,
  UploadLayerPartCommand,
  UploadNotFoundException,
} from '@aws-sdk/client-ecr';
import { DownloadUrlSigner } from '../../../../src/api/ecr/download/signer.js';
import { loadServerSecret } from '../../../../src/config/server-secret.js';
import { sha256 } from '../../../support/digest.js';
import { type Blob, blob, image } from '../../../support/oci.js';
import { ACCOUNT, rejection, uniqueName, useBerth, v2Of } from './harness.js';

const berth = useBerth();

async function repository(): Promise<string> {
  const name = uniqueName('layers');
  await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
  return name;
}

/** Uploads a blob through the API in parts of `partSize` bytes. */
async function uploadViaApi(name: string, b: Blob, partSize = 1000): Promise<string> {
  const { uploadId, partSize: suggested } = await berth().ecr.send(new InitiateLayerUploadCommand({ repositoryName: name }));
  expect(suggested).toBeGreaterThan(0);
  for (let first = 0; first < b.size; first += partSize) {
    const part = b.content.subarray(first, first + partSize);
    const out = await berth().ecr.send(
      new UploadLayerPartCommand({ repositoryName: name, uploadId, partFirstByte: first, partLastByte: first + part.length - 1, layerPartBlob: part }),
    );
    expect(out).toMatchObject({ registryId: ACCOUNT, repositoryName: name, uploadId, lastByteReceived: first + part.length - 1 });
  }
  const done = await berth().ecr.send(new CompleteLayerUploadCommand({ repositoryName: name, uploadId, layerDigests: [b.digest] }));
  expect(done).toMatchObject({ registryId: ACCOUNT, repositoryName: name, uploadId, layerDigest: b.digest });
  return uploadId!;
}

describe('layer upload through the API', () => {
  it('uploads layers in parts, puts the image, and docker-style /v2 pulls get the same bytes', async () => {
    const name = await repository();
    const img = image({ layers: [blob(randomBytes(5000)), blob(randomBytes(10))] });
    const before = await berth().ecr.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: name, layerDigests: img.blobs.map((b) => b.digest) }));
    expect(before.layers?.map((l) => l.layerAvailability)).toEqual(['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE']);
    for (const b of img.blobs) await uploadViaApi(name, b);
    const after = await berth().ecr.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: name, layerDigests: img.blobs.map((b) => b.digest) }));
    expect(after.layers).toEqual(img.blobs.map((b) => ({ layerDigest: b.digest, layerAvailability: 'AVAILABLE', layerSize: b.size })));
    await berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: img.manifest, imageTag: 'v1' }));
    const v2 = v2Of(berth());
    const manifest = await v2.getManifest(name, 'v1');
    expect(await manifest.text()).toBe(img.manifest);
    for (const b of img.blobs) {
      const response = await v2.getBlob(name, b.digest);
      expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(b.digest);
    }
  });

  it('sees blobs pushed through /v2, and reports malformed and missing digests', async () => {
    const name = await repository();
    const b = blob();
    await v2Of(berth()).pushBlob(name, b);
    const out = await berth().ecr.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: name, layerDigests: [b.digest, 'sha256:nothex', ''] }));
    expect(out.layers).toEqual([{ layerDigest: b.digest, layerAvailability: 'AVAILABLE', layerSize: b.size }]);
    expect(out.failures?.map((f) => [f.layerDigest, f.failureCode])).toEqual([
      ['sha256:nothex', 'InvalidLayerDigest'],
      ['', 'MissingLayerDigest'],
    ]);
    const absent = await rejection(berth().ecr.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: 'absent/repo', layerDigests: [b.digest] })));
    expect(absent).toBeInstanceOf(RepositoryNotFoundException);
  });

  it('refuses parts that do not line up with what the upload holds, keeping what it has', async () => {
    const name = await repository();
    const b = blob(randomBytes(300));
    const { uploadId } = await berth().ecr.send(new InitiateLayerUploadCommand({ repositoryName: name }));
    const part = (first: number, last: number, bytes: Buffer) =>
      berth().ecr.send(new UploadLayerPartCommand({ repositoryName: name, uploadId, partFirstByte: first, partLastByte: last, layerPartBlob: bytes }));
    const early = await rejection(part(5, 104, b.content.subarray(5, 105)));
    expect(early).toBeInstanceOf(InvalidLayerPartException);
    await part(0, 99, b.content.subarray(0, 100));
    const gap = (await rejection(part(150, 249, b.content.subarray(150, 250)))) as InvalidLayerPartException;
    expect(gap).toBeInstanceOf(InvalidLayerPartException);
    expect(gap).toMatchObject({ uploadId, repositoryName: name, registryId: ACCOUNT, lastValidByteReceived: 99 });
    expect(await rejection(part(100, 150, b.content.subarray(100, 200)))).toBeInstanceOf(InvalidLayerPartException);
    expect(await rejection(part(100, 99, Buffer.alloc(0)))).toBeInstanceOf(InvalidLayerPartException);
    await part(100, 299, b.content.subarray(100, 300));
    await berth().ecr.send(new CompleteLayerUploadCommand({ repositoryName: name, uploadId, layerDigests: [b.digest] }));
    expect(sha256(Buffer.from(await (await v2Of(berth()).getBlob(name, b.digest)).arrayBuffer()))).toBe(b.digest);
  });

  it('verifies the digest on completion: empty, wrong, already present, unknown upload', async () => {
    const name = await repository();
    const b = blob();
    const { uploadId: empty } = await berth().ecr.send(new InitiateLayerUploadCommand({ repositoryName: name }));
    const emptied = await rejection(berth().ecr.send(new CompleteLayerUploadCommand({ repositoryName: name, uploadId: empty, layerDigests: [b.digest] })));
    expect(emptied).toBeInstanceOf(EmptyUploadException);
    expect(emptied.message).toBe(`The upload with id '${empty}' to the repository with name '${name}' in registry with id '${ACCOUNT}' does not contain any layer parts`);
    const { uploadId: wrong } = await berth().ecr.send(new InitiateLayerUploadCommand({ repositoryName: name }));
    await berth().ecr.send(new UploadLayerPartCommand({ repositoryName: name, uploadId: wrong, partFirstByte: 0, partLastByte: 2, layerPartBlob: Buffer.from('abc') }));
    const mismatch = await rejection(berth().ecr.send(new CompleteLayerUploadCommand({ repositoryName: name, uploadId: wrong, layerDigests: [b.digest] })));
    expect(mismatch).toBeInstanceOf(InvalidLayerException);
    const where = `the repository with name '${name}' in registry with id '${ACCOUNT}'`;
    expect(mismatch.message).toBe(
      `Layer digest '${b.digest}' does not match the digest '${sha256('abc')}' of the 3 bytes uploaded with id '${wrong}' to ${where}; the upload was discarded`,
    );
    // The failed upload is gone.
    const after = await rejection(berth().ecr.send(new CompleteLayerUploadCommand({ repositoryName: name, uploadId: wrong, layerDigests: [sha256('abc')] })));
    expect(after).toBeInstanceOf(UploadNotFoundException);
    expect(after.message).toBe(`The upload with id '${wrong}' does not exist in ${where}`);
    const invalid = await rejection(berth().ecr.send(new CompleteLayerUploadCommand({ repositoryName: name, uploadId: empty, layerDigests: ['sha256:abc123'] })));
    expect(invalid).toBeInstanceOf(InvalidParameterException);
    expect(invalid.message).toBe(
      `Invalid parameter at 'layerDigests' failed to satisfy constraint: 'Layer digest 'sha256:abc123' for the upload with id '${empty}' is not a valid sha256 or sha512 digest'`,
    );
    const two = await rejection(berth().ecr.send(new CompleteLayerUploadCommand({ repositoryName: name, uploadId: empty, layerDigests: [b.digest, sha256('x')] })));
    expect(two.message).toBe(
      `Invalid parameter at 'layerDigests' failed to satisfy constraint: 'Exactly one layer digest is required to complete the upload with id '${empty}'; 2 were given'`,
    );
    await uploadViaApi(name, b);
    const { uploadId: dup } = await berth().ecr.send(new InitiateLayerUploadCommand({ repositoryName: name }));
    await berth().ecr.send(new UploadLayerPartCommand({ repositoryName: name, uploadId: dup, partFirstByte: 0, partLastByte: b.size - 1, layerPartBlob: b.content }));
    const exists = await rejection(berth().ecr.send(new CompleteLayerUploadCommand({ repositoryName: name, uploadId: dup, layerDigests: [b.digest] })));
    expect(exists).toBeInstanceOf(LayerAlreadyExistsException);
    expect(exists.message).toBe(`Layer with digest '${b.digest}' already exists in the repository with name '${name}' in registry with id '${ACCOUNT}'`);
    const unknown = await rejection(
      berth().ecr.send(
        new UploadLayerPartCommand({ repositoryName: name, uploadId: '00000000-0000-4000-8000-000000000000', partFirstByte: 0, partLastByte: 0, layerPartBlob: Buffer.from('x') }),
      ),
    );
    expect(unknown).toBeInstanceOf(UploadNotFoundException);
  });

  it('does not create repositories, and keeps uploads to their repository', async () => {
    expect(await rejection(berth().ecr.send(new InitiateLayerUploadCommand({ repositoryName: 'absent/repo' })))).toBeInstanceOf(RepositoryNotFoundException);
    const a = await repository();
    const other = await repository();
    const { uploadId } = await berth().ecr.send(new InitiateLayerUploadCommand({ repositoryName: a }));
    const foreign = await rejection(
      berth().ecr.send(new UploadLayerPartCommand({ repositoryName: other, uploadId, partFirstByte: 0, partLastByte: 0, layerPartBlob: Buffer.from('x') })),
    );
    expect(foreign).toBeInstanceOf(UploadNotFoundException);
  });
});

describe('GetDownloadUrlForLayer', () => {
  async function pushed() {
    const name = await repository();
    const img = image({ layers: [blob(randomBytes(4096))] });
    await v2Of(berth()).pushImage(name, 'v1', img);
    return { name, img, layer: img.layers[0]! };
  }

  it('returns a URL that plain fetch can download the layer from, with Range support', async () => {
    const { name, layer } = await pushed();
    const out = await berth().ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: name, layerDigest: layer.digest }));
    expect(out.layerDigest).toBe(layer.digest);
    const url = new URL(out.downloadUrl!);
    expect(url.host).toBe(new URL(berth().url).host);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    expect(sha256(body)).toBe(layer.digest);
    const ranged = await fetch(url, { headers: { range: 'bytes=10-19' } });
    expect([ranged.status, ranged.headers.get('content-range')]).toEqual([206, `bytes 10-19/${layer.size}`]);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(layer.content.subarray(10, 20))).toBe(true);
    const head = await fetch(url, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(layer.size)]);
    expect((await fetch(url, { headers: { range: `bytes=${layer.size}-` } })).status).toBe(416);
  });

  it('refuses a tampered or expired URL, and stops serving a deleted repository', async () => {
    const { name, layer, img } = await pushed();
    const { downloadUrl } = await berth().ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: name, layerDigest: layer.digest }));
    const tampered = new URL(downloadUrl!);
    tampered.pathname = tampered.pathname.replace(layer.digest, img.config.digest);
    expect((await fetch(tampered)).status).toBe(403);
    const later = new URL(downloadUrl!);
    later.searchParams.set('expires', String(Number(later.searchParams.get('expires')) + 3600));
    expect((await fetch(later)).status).toBe(403);
    // A URL signed with the server's key, but in the past.
    const signer = new DownloadUrlSigner(
      loadServerSecret(berth().app.config).derive('ecr-layer-download'),
      () => Date.now() - 7200_000,
    );
    const expired = new URL(signer.sign({ accountId: ACCOUNT, name }, layer.digest, 60), berth().url);
    expect((await fetch(expired)).status).toBe(403);
    await berth().app.registry.repositories.delete({ accountId: ACCOUNT, name }, true, 'test');
    expect((await fetch(downloadUrl!)).status).toBe(404);
  });

  it('answers LayersNotFound for an unknown layer and LayerInaccessible for one no image uses', async () => {
    const { name } = await pushed();
    const loose = blob();
    const notFound = await rejection(berth().ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: name, layerDigest: loose.digest })));
    expect(notFound).toBeInstanceOf(LayersNotFoundException);
    await uploadViaApi(name, loose);
    const unused = await rejection(berth().ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: name, layerDigest: loose.digest })));
    expect(unused).toBeInstanceOf(LayerInaccessibleException);
    expect(
      await rejection(berth().ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: 'absent/repo', layerDigest: loose.digest }))),
    ).toBeInstanceOf(RepositoryNotFoundException);
  });
});
