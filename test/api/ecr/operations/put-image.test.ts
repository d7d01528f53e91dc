/** PutImage (the same ManifestService.put as /v2) and tag immutability on both paths. */
import { describe, expect, it } from 'vitest';
import {
  CreateRepositoryCommand,
  ImageAlreadyExistsException,
  ImageDigestDoesNotMatchException,
  ImageTagAlreadyExistsException,
  InvalidParameterException,
  LayersNotFoundException,
  PutImageCommand,
  PutImageTagMutabilityCommand,
  ReferencedImagesNotFoundException,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import type { ImageTagMutability } from '@aws-sdk/client-ecr';
import { sha256 } from '../../../support/digest.js';
import { image, indexDocument, manifestDescriptor } from '../../../support/oci.js';
import { DOCKER_MANIFEST, OCI_MANIFEST } from '../../../support/media-types.js';
import { ACCOUNT, rejection, uniqueName, useBerth, v2Of } from './harness.js';

const berth = useBerth();

async function repository(settings: { imageTagMutability?: ImageTagMutability; filters?: string[] } = {}): Promise<string> {
  const name = uniqueName('put');
  await berth().ecr.send(
    new CreateRepositoryCommand({
      repositoryName: name,
      imageTagMutability: settings.imageTagMutability,
      imageTagMutabilityExclusionFilters: settings.filters?.map((filter) => ({ filterType: 'WILDCARD', filter })),
    }),
  );
  return name;
}

/** An image whose blobs are uploaded (through /v2), ready for PutImage. */
async function uploaded(name: string) {
  const img = image();
  for (const b of img.blobs) await v2Of(berth()).pushBlob(name, b);
  return img;
}

describe('PutImage', () => {
  it('stores the manifest that /v2 then serves byte for byte, and tags it', async () => {
    const name = await repository();
    const img = await uploaded(name);
    const { image: put } = await berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: img.manifest, imageTag: 'v1' }));
    expect(put).toEqual({
      registryId: ACCOUNT,
      repositoryName: name,
      imageId: { imageDigest: img.digest, imageTag: 'v1' },
      imageManifest: img.manifest,
      imageManifestMediaType: OCI_MANIFEST,
    });
    const pulled = await v2Of(berth()).getManifest(name, 'v1');
    expect([pulled.status, pulled.headers.get('docker-content-digest'), await pulled.text()]).toEqual([200, img.digest, img.manifest]);
    // A second tag for the same manifest is a change; the same tag again is not.
    await berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: img.manifest, imageTag: 'v1.0' }));
    const again = await rejection(berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: img.manifest, imageTag: 'v1' })));
    expect(again).toBeInstanceOf(ImageAlreadyExistsException);
    expect(again.message).toBe(`Image with digest '${img.digest}' and tag 'v1' already exists in the repository with name '${name}' in registry with id '${ACCOUNT}'`);
  });

  it('stores an untagged image by digest, and verifies a given imageDigest', async () => {
    const name = await repository();
    const img = await uploaded(name);
    const wrong = await rejection(
      berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: img.manifest, imageDigest: sha256('something else') })),
    );
    expect(wrong).toBeInstanceOf(ImageDigestDoesNotMatchException);
    const out = await berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: img.manifest, imageDigest: img.digest }));
    expect(out.image?.imageId).toEqual({ imageDigest: img.digest });
    expect(await rejection(berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: img.manifest })))).toBeInstanceOf(ImageAlreadyExistsException);
    expect((await v2Of(berth()).getManifest(name, img.digest)).status).toBe(200);
  });

  it('names missing layers and missing index children as ECR does', async () => {
    const name = await repository();
    const img = image();
    const missing = await rejection(berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: img.manifest, imageTag: 'v1' })));
    expect(missing).toBeInstanceOf(LayersNotFoundException);
    expect(missing.message).toContain(img.config.digest);
    const index = JSON.stringify(indexDocument({ manifests: [manifestDescriptor(img)] }));
    const children = await rejection(berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: index, imageTag: 'multi' })));
    expect(children).toBeInstanceOf(ReferencedImagesNotFoundException);
    expect(children.message).toContain(img.digest);
  });

  it('refuses an invalid manifest or tag, a media type that contradicts the manifest, and a missing repository', async () => {
    const name = await repository();
    const img = await uploaded(name);
    for (const input of [
      { imageManifest: '{"not":"a manifest"}', imageTag: 'x' },
      { imageManifest: img.manifest, imageTag: '-bad' },
      { imageManifest: img.manifest, imageTag: 'x', imageManifestMediaType: DOCKER_MANIFEST },
    ]) {
      expect(await rejection(berth().ecr.send(new PutImageCommand({ repositoryName: name, ...input })))).toBeInstanceOf(InvalidParameterException);
    }
    const absent = await rejection(berth().ecr.send(new PutImageCommand({ repositoryName: 'absent/repo', imageManifest: img.manifest, imageTag: 'v1' })));
    expect(absent).toBeInstanceOf(RepositoryNotFoundException);
  });

  it("answers in PutImage's parameters, never /v2 headers or the JSON parser's text", async () => {
    const name = await repository();
    const img = await uploaded(name);
    const message = async (input: { imageManifest: string; imageTag?: string; imageManifestMediaType?: string; imageDigest?: string }) => {
      const err = await rejection(berth().ecr.send(new PutImageCommand({ repositoryName: name, ...input })));
      expect(err).toBeInstanceOf(InvalidParameterException);
      expect(err.message).not.toMatch(/Content-Type|Accept|header|Unexpected token|JSON at position|\/v2/);
      return err.message;
    };
    // ECR's own text for a manifest that does not parse (what users find when they search for it).
    expect(await message({ imageManifest: '{"schemaVersion": 2,', imageTag: 'x' })).toBe(
      "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'",
    );
    expect(await message({ imageManifest: img.manifest, imageTag: 'x', imageManifestMediaType: DOCKER_MANIFEST })).toBe(
      `Invalid parameter at 'imageManifestMediaType' failed to satisfy constraint: 'The image manifest's mediaType '${OCI_MANIFEST}' does not match the imageManifestMediaType '${DOCKER_MANIFEST}''`,
    );
    const untyped = JSON.stringify({ schemaVersion: 2, layers: [] });
    expect(await message({ imageManifest: untyped, imageTag: 'x' })).toBe(
      "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'The image manifest has no mediaType field; specify imageManifestMediaType'",
    );
    expect(await message({ imageManifest: img.manifest, imageTag: '-bad' })).toMatch(/^Invalid parameter at 'imageTag' failed to satisfy constraint: 'The image tag '-bad' must match /);
    expect(await message({ imageManifest: '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}', imageTag: 'x' })).toMatch(
      /^Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'The image manifest is invalid: config/,
    );
  });

  it("refuses moving an immutable tag with ECR's exact ImageTagAlreadyExistsException text", async () => {
    const name = await repository({ imageTagMutability: 'IMMUTABLE' });
    const first = await uploaded(name);
    await berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: first.manifest, imageTag: 'v1' }));
    const second = await uploaded(name);
    const err = await rejection(berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: second.manifest, imageTag: 'v1' })));
    expect(err).toBeInstanceOf(ImageTagAlreadyExistsException);
    expect(err.message).toBe(`The image tag 'v1' already exists in the '${name}' repository and cannot be overwritten because the repository is immutable.`);
  });
});

describe('tag immutability on /v2 pushes and PutImage alike', () => {
  /** Whether moving `tag` to a new image is refused through PutImage, and through /v2. */
  async function refusals(name: string, tag: string): Promise<[boolean, boolean]> {
    const v2 = v2Of(berth());
    const first = await uploaded(name);
    await berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: first.manifest, imageTag: tag }));
    const second = await uploaded(name);
    const viaApi = await berth()
      .ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: second.manifest, imageTag: tag }))
      .then(
        () => false,
        (err: unknown) => {
          expect(err).toBeInstanceOf(ImageTagAlreadyExistsException);
          return true;
        },
      );
    const third = await uploaded(name);
    const response = await v2.putManifest(name, tag, third.manifest, OCI_MANIFEST);
    const viaV2 = response.status !== 201;
    if (viaV2) expect([response.status, ((await response.json()) as { errors: { code: string }[] }).errors[0]?.code]).toEqual([400, 'TAG_INVALID']);
    return [viaApi, viaV2];
  }

  it('IMMUTABLE refuses moving any tag; re-pushing the same image under it is fine', async () => {
    const name = await repository({ imageTagMutability: 'IMMUTABLE' });
    expect(await refusals(name, 'v1')).toEqual([true, true]);
    const current = await (await v2Of(berth()).getManifest(name, 'v1')).text();
    expect((await v2Of(berth()).putManifest(name, 'v1', current, OCI_MANIFEST)).status).toBe(201);
    const again = await rejection(berth().ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: current, imageTag: 'v1' })));
    expect(again).toBeInstanceOf(ImageAlreadyExistsException);
  });

  it('IMMUTABLE_WITH_EXCLUSION leaves matching tags mutable', async () => {
    const name = await repository({ imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', filters: ['dev-*', 'latest'] });
    expect(await refusals(name, 'dev-123')).toEqual([false, false]);
    expect(await refusals(name, 'latest')).toEqual([false, false]);
    expect(await refusals(name, 'v1')).toEqual([true, true]);
  });

  it('MUTABLE_WITH_EXCLUSION makes matching tags immutable, and PutImageTagMutability applies at once', async () => {
    const name = await repository({ imageTagMutability: 'MUTABLE_WITH_EXCLUSION', filters: ['release-*'] });
    expect(await refusals(name, 'release-1')).toEqual([true, true]);
    expect(await refusals(name, 'main')).toEqual([false, false]);
    await berth().ecr.send(new PutImageTagMutabilityCommand({ repositoryName: name, imageTagMutability: 'MUTABLE' }));
    expect(await refusals(name, 'release-2')).toEqual([false, false]);
  });
});
