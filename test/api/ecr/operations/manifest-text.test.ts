/**
 * Manifest bytes are never altered: a manifest that is not valid UTF-8 is refused on both APIs
 * (the image spec requires UTF-8 JSON), and what BatchGetImage returns as text is exactly the
 * stored bytes, so it hashes to its imageDigest, non-ASCII text included.
 */
import { BatchGetImageCommand, CreateRepositoryCommand, InvalidParameterException, PutImageCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../support/digest.js';
import { OCI_MANIFEST } from '../../../support/media-types.js';
import { image } from '../../../support/oci.js';
import { ACCOUNT, rejection, uniqueName, useBerth, v2Of } from './harness.js';

const berth = useBerth();

async function repository(): Promise<string> {
  const name = uniqueName('text');
  await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
  return name;
}

/** An image whose blobs are pushed, with an annotation holding `note` (its manifest as UTF-8 text). */
async function uploaded(name: string, note: string): Promise<{ manifest: string; bytes: Buffer; digest: string }> {
  const img = image({ extra: { annotations: { note } } });
  for (const b of img.blobs) await v2Of(berth()).pushBlob(name, b);
  const bytes = Buffer.from(img.manifest, 'utf8');
  return { manifest: img.manifest, bytes, digest: sha256(bytes) };
}

const putV2 = (name: string, reference: string, body: Buffer) =>
  fetch(`${berth().url}/v2/${name}/manifests/${reference}`, { method: 'PUT', body, headers: { 'content-type': OCI_MANIFEST } });

async function batchGet(name: string, digest: string) {
  return berth().ecr.send(new BatchGetImageCommand({ repositoryName: name, imageIds: [{ imageDigest: digest }] }));
}

describe('manifests that are not valid UTF-8', () => {
  it('are refused by PUT /v2/<name>/manifests with MANIFEST_INVALID, and nothing is stored', async () => {
    const name = await repository();
    const { manifest } = await uploaded(name, 'caf\u00e9');
    // The same text in Latin-1: "é" is the byte 0xE9, which alone is not UTF-8.
    const latin1 = Buffer.from(manifest, 'latin1');
    expect(latin1.includes(0xe9)).toBe(true);
    const response = await putV2(name, 'v1', latin1);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ code: 'MANIFEST_INVALID', message: 'manifest is not valid UTF-8' }] });
    expect((await v2Of(berth()).getManifest(name, sha256(latin1))).status).toBe(404);
    expect((await v2Of(berth()).getManifest(name, 'v1')).status).toBe(404);
  });

  it('are refused by PutImage with InvalidParameterException (text with an unpaired surrogate has no UTF-8 form)', async () => {
    const name = await repository();
    const uploadedImage = await uploaded(name, 'broken HALF');
    // In the text itself, not as a JSON escape (the API carries it as "\ud800", which decodes to it).
    const manifest = uploadedImage.manifest.replace('HALF', '\ud800');
    const refused = await rejection(berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: manifest, imageTag: 'v1' })));
    expect(refused).toBeInstanceOf(InvalidParameterException);
    expect(refused.message).toBe('imageManifest is not valid Unicode text (an unpaired surrogate)');
    expect((await v2Of(berth()).getManifest(name, 'v1')).status).toBe(404);
  });

  it('stored before they were refused, are reported by BatchGetImage rather than returned altered', async () => {
    const name = await repository();
    const repository_ = await berth().app.registry.repositories.get({ accountId: ACCOUNT, name });
    const content = Buffer.concat([Buffer.from('{"schemaVersion":2,"note":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const digest = sha256(content);
    await berth().app.store.registry.putManifest({
      repositoryId: repository_.id,
      digest,
      mediaType: OCI_MANIFEST,
      content,
      imageSize: 0,
      blobs: [],
      children: [],
      now: new Date(),
      events: [],
    });
    const out = await batchGet(name, digest);
    expect(out.images).toEqual([]);
    expect(out.failures).toEqual([expect.objectContaining({ imageId: { imageDigest: digest }, failureCode: 'ImageInaccessible' })]);
    // /v2 serves bytes, not text: the stored bytes exactly.
    const pulled = await v2Of(berth()).getManifest(name, digest);
    expect(Buffer.from(await pulled.arrayBuffer()).equals(content)).toBe(true);
  });
});

describe('manifests with non-ASCII text', () => {
  it('pushed through /v2 come back from BatchGetImage as text that hashes to the imageDigest', async () => {
    const name = await repository();
    const { bytes, digest } = await uploaded(name, 'caf\u00e9 \u2615 \ud834\udd1e');
    expect((await putV2(name, 'v1', bytes)).status).toBe(201);
    const [got] = (await batchGet(name, digest)).images!;
    expect(sha256(Buffer.from(got!.imageManifest!, 'utf8'))).toBe(got!.imageId!.imageDigest);
    expect(got!.imageId!.imageDigest).toBe(digest);
  });

  it('pushed through PutImage are stored as their UTF-8 bytes, which /v2 serves', async () => {
    const name = await repository();
    const { manifest, bytes, digest } = await uploaded(name, '\u65e5\u672c\u8a9e \ud83d\ude00');
    const out = await berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: manifest, imageTag: 'v1' }));
    expect(out.image?.imageId?.imageDigest).toBe(digest);
    const pulled = await v2Of(berth()).getManifest(name, 'v1');
    expect(Buffer.from(await pulled.arrayBuffer()).equals(bytes)).toBe(true);
  });
});
