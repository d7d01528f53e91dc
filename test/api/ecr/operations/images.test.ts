/** ListImages, DescribeImages, BatchGetImage, BatchDeleteImage over images pushed through /v2. */
import { describe, expect, it } from 'vitest';
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  ImageNotFoundException,
  InvalidParameterException,
  ListImagesCommand,
  RepositoryNotFoundException,
  paginateDescribeImages,
  paginateListImages,
} from '@aws-sdk/client-ecr';
import { sha256 } from '../../../support/digest.js';
import { blob, descriptor, image, indexDocument, manifestDescriptor } from '../../../support/oci.js';
import { DOCKER_CONFIG, DOCKER_MANIFEST, OCI_CONFIG, OCI_INDEX, OCI_MANIFEST } from '../../../support/media-types.js';
import { ACCOUNT, rejection, uniqueName, useBerth, v2Of } from './harness.js';

const berth = useBerth();

/** A repository with: `a` (tags v1, latest), `b` (tag v2), `c` (untagged). */
async function seeded() {
  const name = uniqueName('imgs');
  await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
  const v2 = v2Of(berth());
  const a = image();
  const b = image({ mediaType: DOCKER_MANIFEST, config: blob(Buffer.from('{"os":"linux","architecture":"arm64"}'), DOCKER_CONFIG) });
  const c = image({ layers: [blob(), blob()] });
  await v2.pushImage(name, 'v1', a);
  await v2.putManifest(name, 'latest', a.manifest, a.mediaType);
  await v2.pushImage(name, 'v2', b);
  await v2.pushImage(name, c.digest, c);
  return { name, a, b, c };
}

describe('ListImages', () => {
  it('lists one entry per tag plus untagged digests, filtered by tagStatus', async () => {
    const { name, a, b, c } = await seeded();
    const ids = async (tagStatus?: 'TAGGED' | 'UNTAGGED' | 'ANY') =>
      (await berth().ecr.send(new ListImagesCommand({ repositoryName: name, ...(tagStatus && { filter: { tagStatus } }) }))).imageIds;
    const sort = (list: { imageDigest?: string; imageTag?: string }[] = []) =>
      [...list].sort((x, y) => `${x.imageDigest}${x.imageTag}`.localeCompare(`${y.imageDigest}${y.imageTag}`));
    const tagged = [
      { imageDigest: a.digest, imageTag: 'latest' },
      { imageDigest: a.digest, imageTag: 'v1' },
      { imageDigest: b.digest, imageTag: 'v2' },
    ];
    expect(sort(await ids())).toEqual(sort([...tagged, { imageDigest: c.digest }]));
    expect(sort(await ids('TAGGED'))).toEqual(sort(tagged));
    expect(await ids('UNTAGGED')).toEqual([{ imageDigest: c.digest }]);
    expect(await ids('ANY')).toHaveLength(4);
    // No archive tier: archived images are none.
    expect((await berth().ecr.send(new ListImagesCommand({ repositoryName: name, filter: { imageStatus: 'ARCHIVED' } }))).imageIds).toEqual([]);
  });

  it('pages through more than 100 image ids with the SDK paginator', async () => {
    const name = uniqueName('many');
    await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    const v2 = v2Of(berth());
    const base = image();
    for (const b of base.blobs) await v2.pushBlob(name, b);
    const expected = new Set<string>();
    for (let i = 0; i < 110; i++) {
      const manifest = JSON.stringify({ ...JSON.parse(base.manifest), annotations: { n: String(i) } });
      const tag = `t${String(i).padStart(3, '0')}`;
      expect((await v2.putManifest(name, tag, manifest, OCI_MANIFEST)).status).toBe(201);
      expected.add(`${sha256(manifest)} ${tag}`);
    }
    // A second tag on one image and an untagged image make digests and entries differ in number.
    const first = JSON.stringify({ ...JSON.parse(base.manifest), annotations: { n: '0' } });
    await v2.putManifest(name, 'extra', first, OCI_MANIFEST);
    expected.add(`${sha256(first)} extra`);
    await v2.putManifest(name, sha256(base.manifest), base.manifest, OCI_MANIFEST);
    expected.add(`${sha256(base.manifest)} -`);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListImages({ client: berth().ecr, pageSize: 25 }, { repositoryName: name })) {
      pages++;
      seen.push(...page.imageIds!.map((i) => `${i.imageDigest} ${i.imageTag ?? '-'}`));
    }
    expect(pages).toBe(5);
    expect(seen).toHaveLength(expected.size);
    expect(new Set(seen)).toEqual(expected);
    const described: string[] = [];
    for await (const page of paginateDescribeImages({ client: berth().ecr }, { repositoryName: name })) {
      expect(page.imageDetails!.length).toBeLessThanOrEqual(100);
      described.push(...page.imageDetails!.map((d) => d.imageDigest!));
    }
    expect(described).toHaveLength(111);
    expect(new Set(described).size).toBe(111);
  });

  it('names a missing repository', async () => {
    expect(await rejection(berth().ecr.send(new ListImagesCommand({ repositoryName: 'absent/repo' })))).toBeInstanceOf(RepositoryNotFoundException);
  });
});

describe('DescribeImages', () => {
  it('describes sizes, push and pull times, media types and tags', async () => {
    const { name, a, b, c } = await seeded();
    const before = Date.now();
    expect((await v2Of(berth()).getManifest(name, 'v2')).status).toBe(200);
    await berth().app.registry.pulls.flush();
    const { imageDetails } = await berth().ecr.send(new DescribeImagesCommand({ repositoryName: name }));
    const byDigest = new Map(imageDetails!.map((d) => [d.imageDigest, d]));
    expect(byDigest.get(a.digest)).toEqual({
      registryId: ACCOUNT,
      repositoryName: name,
      imageDigest: a.digest,
      imageTags: ['latest', 'v1'],
      imageSizeInBytes: a.size,
      imagePushedAt: expect.any(Date),
      imageManifestMediaType: OCI_MANIFEST,
      artifactMediaType: OCI_CONFIG,
      imageStatus: 'ACTIVE',
    });
    expect(byDigest.get(b.digest)).toMatchObject({ imageManifestMediaType: DOCKER_MANIFEST, artifactMediaType: DOCKER_CONFIG, imageSizeInBytes: b.size });
    expect(byDigest.get(b.digest)!.lastRecordedPullTime!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(byDigest.get(c.digest)?.imageTags).toBeUndefined();
    expect(byDigest.get(c.digest)?.imageSizeInBytes).toBe(c.size);
    const untagged = await berth().ecr.send(new DescribeImagesCommand({ repositoryName: name, filter: { tagStatus: 'UNTAGGED' } }));
    expect(untagged.imageDetails?.map((d) => d.imageDigest)).toEqual([c.digest]);
  });

  it('reports an index at the size of its largest image, and a referrer with its subject', async () => {
    const { name, a, c } = await seeded();
    const index = JSON.stringify(indexDocument({ manifests: [a, c].map((m) => manifestDescriptor(m, { platform: { os: 'linux', architecture: 'amd64' } })) }));
    expect((await v2Of(berth()).putManifest(name, 'multi', index, OCI_INDEX)).status).toBe(201);
    const sbom = image({ extra: { artifactType: 'application/spdx+json', subject: { mediaType: OCI_MANIFEST, digest: a.digest, size: Buffer.byteLength(a.manifest) } } });
    await v2Of(berth()).pushImage(name, sbom.digest, sbom);
    const { imageDetails } = await berth().ecr.send(
      new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageTag: 'multi' }, { imageDigest: sbom.digest }] }),
    );
    expect(imageDetails?.[0]).toMatchObject({ imageDigest: sha256(index), imageManifestMediaType: OCI_INDEX, imageSizeInBytes: Math.max(a.size, c.size) });
    expect(imageDetails?.[0]?.artifactMediaType).toBeUndefined();
    expect(imageDetails?.[1]).toMatchObject({ subjectManifestDigest: a.digest, artifactMediaType: 'application/spdx+json' });
  });

  it('looks images up by tag and digest, and fails on one that is absent', async () => {
    const { name, a, b } = await seeded();
    const { imageDetails } = await berth().ecr.send(
      new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageTag: 'v2' }, { imageDigest: a.digest }, { imageTag: 'v1' }] }),
    );
    expect(imageDetails?.map((d) => d.imageDigest)).toEqual([b.digest, a.digest]);
    const missing = await rejection(berth().ecr.send(new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageTag: 'v1' }, { imageTag: 'nope' }] })));
    expect(missing).toBeInstanceOf(ImageNotFoundException);
    expect(missing.message).toBe(`The image with imageId {imageDigest:'null', imageTag:'nope'} does not exist within the repository with name '${name}' in the registry with id '${ACCOUNT}'`);
    const mismatch = await rejection(berth().ecr.send(new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageTag: 'v1', imageDigest: b.digest }] })));
    expect(mismatch).toBeInstanceOf(ImageNotFoundException);
    expect(await rejection(berth().ecr.send(new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageDigest: 'sha256:zz' }] })))).toBeInstanceOf(
      InvalidParameterException,
    );
    expect(await rejection(berth().ecr.send(new DescribeImagesCommand({ repositoryName: 'absent/repo' })))).toBeInstanceOf(RepositoryNotFoundException);
  });
});

describe('BatchGetImage', () => {
  it('returns manifests byte for byte, records the pull, and reports per-image failures', async () => {
    const { name, a, b } = await seeded();
    const out = await berth().ecr.send(
      new BatchGetImageCommand({
        repositoryName: name,
        imageIds: [{ imageTag: 'v1' }, { imageDigest: b.digest }, { imageTag: 'nope' }, {}, { imageDigest: 'sha256:xyz' }, { imageTag: 'v2', imageDigest: a.digest }],
      }),
    );
    expect(out.images).toEqual([
      { registryId: ACCOUNT, repositoryName: name, imageId: { imageDigest: a.digest, imageTag: 'v1' }, imageManifest: a.manifest, imageManifestMediaType: OCI_MANIFEST },
      { registryId: ACCOUNT, repositoryName: name, imageId: { imageDigest: b.digest }, imageManifest: b.manifest, imageManifestMediaType: DOCKER_MANIFEST },
    ]);
    expect(out.failures?.map((f) => [f.imageId, f.failureCode])).toEqual([
      [{ imageTag: 'nope' }, 'ImageNotFound'],
      [{}, 'MissingDigestAndTag'],
      [{ imageDigest: 'sha256:xyz' }, 'InvalidImageDigest'],
      [{ imageTag: 'v2', imageDigest: a.digest }, 'ImageTagDoesNotMatchDigest'],
    ]);
    expect(out.failures?.[0]?.failureReason).toBe('Requested image not found');
    await berth().app.registry.pulls.flush();
    const { imageDetails } = await berth().ecr.send(new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageDigest: a.digest }] }));
    expect(imageDetails?.[0]?.lastRecordedPullTime).toBeInstanceOf(Date);
  });

  it('converts between OCI and Docker Schema 2 for images requested by tag, as ECR does, never the stored bytes', async () => {
    const { name, a, b } = await seeded();
    const get = async (imageId: { imageTag?: string; imageDigest?: string }, acceptedMediaTypes: string[]) =>
      berth().ecr.send(new BatchGetImageCommand({ repositoryName: name, imageIds: [imageId], acceptedMediaTypes }));
    // Accepted as stored: the stored bytes.
    const ok = await get({ imageTag: 'v2' }, [DOCKER_MANIFEST]);
    expect(ok.images?.[0]).toMatchObject({ imageId: { imageDigest: b.digest, imageTag: 'v2' }, imageManifest: b.manifest, imageManifestMediaType: DOCKER_MANIFEST });

    // Docker Schema 2 stored, OCI asked for: converted, with the digest of the bytes returned.
    const toOci = (await get({ imageTag: 'v2' }, [OCI_MANIFEST])).images![0]!;
    expect(toOci.imageManifestMediaType).toBe(OCI_MANIFEST);
    expect(toOci.imageId).toEqual({ imageDigest: sha256(toOci.imageManifest!), imageTag: 'v2' });
    expect(toOci.imageId?.imageDigest).not.toBe(b.digest);
    expect(JSON.parse(toOci.imageManifest!)).toEqual({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { ...descriptor(b.config), mediaType: OCI_CONFIG }, layers: b.layers.map(descriptor) });

    // OCI stored, Docker asked for.
    const toDocker = (await get({ imageTag: 'v1' }, [DOCKER_MANIFEST])).images![0]!;
    expect(toDocker.imageManifestMediaType).toBe(DOCKER_MANIFEST);
    expect(toDocker.imageId?.imageDigest).toBe(sha256(toDocker.imageManifest!));
    expect(JSON.parse(toDocker.imageManifest!)).toEqual({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { ...descriptor(a.config), mediaType: DOCKER_CONFIG },
      layers: a.layers.map((l) => ({ ...descriptor(l), mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' })),
    });

    // By digest there is no conversion.
    const byDigest = await get({ imageDigest: b.digest }, [OCI_MANIFEST]);
    expect(byDigest.images).toEqual([]);
    expect(byDigest.failures?.[0]).toMatchObject({ imageId: { imageDigest: b.digest }, failureCode: 'ImageNotFound' });
    expect(byDigest.failures?.[0]?.failureReason).toBe(
      `Requested image's media type ${DOCKER_MANIFEST} is not among the acceptedMediaTypes; an image requested by digest is never converted`,
    );

    // What is stored is untouched.
    expect(await (await v2Of(berth()).getManifest(name, 'v2')).text()).toBe(b.manifest);
    expect(await (await v2Of(berth()).getManifest(name, 'v1')).text()).toBe(a.manifest);
  });

  it('answers a failure for what cannot be converted: indexes, artifacts, zstd layers', async () => {
    const name = uniqueName('conv');
    await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    const v2 = v2Of(berth());
    const child = image();
    await v2.pushImage(name, child.digest, child);
    await v2.putManifest(name, 'multi', JSON.stringify(indexDocument({ manifests: [manifestDescriptor(child)] })), OCI_INDEX);
    await v2.pushImage(name, 'chart', image({ config: blob(Buffer.from('{"name":"chart"}'), 'application/vnd.cncf.helm.config.v1+json') }));
    await v2.pushImage(name, 'zstd', image({ layers: [blob(undefined, 'application/vnd.oci.image.layer.v1.tar+zstd')] }));
    const reasons = new Map<string, string | undefined>();
    for (const imageTag of ['multi', 'chart', 'zstd']) {
      const out = await berth().ecr.send(new BatchGetImageCommand({ repositoryName: name, imageIds: [{ imageTag }], acceptedMediaTypes: [DOCKER_MANIFEST] }));
      expect(out.images).toEqual([]);
      expect(out.failures?.[0]).toMatchObject({ imageId: { imageTag }, failureCode: 'ImageNotFound' });
      reasons.set(imageTag, out.failures?.[0]?.failureReason);
    }
    expect(reasons.get('multi')).toContain(`no conversion from ${OCI_INDEX} to ${DOCKER_MANIFEST} is available`);
    expect(reasons.get('chart')).toContain('config media type application/vnd.cncf.helm.config.v1+json cannot be converted');
    expect(reasons.get('zstd')).toContain('layer of media type application/vnd.oci.image.layer.v1.tar+zstd cannot be converted');
  });

  it('names a missing repository', async () => {
    const err = await rejection(berth().ecr.send(new BatchGetImageCommand({ repositoryName: 'absent/repo', imageIds: [{ imageTag: 'v1' }] })));
    expect(err).toBeInstanceOf(RepositoryNotFoundException);
  });
});

describe('BatchDeleteImage', () => {
  it("removes a tag, and the image with its last tag, as ECR does", async () => {
    const { name, a } = await seeded();
    const first = await berth().ecr.send(new BatchDeleteImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'latest' }] }));
    expect(first).toMatchObject({ imageIds: [{ imageDigest: a.digest, imageTag: 'latest' }], failures: [] });
    expect((await v2Of(berth()).getManifest(name, a.digest)).status).toBe(200);
    await berth().ecr.send(new BatchDeleteImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'v1' }] }));
    expect((await v2Of(berth()).getManifest(name, a.digest)).status).toBe(404);
    const { imageIds } = await berth().ecr.send(new ListImagesCommand({ repositoryName: name }));
    expect(imageIds?.some((i) => i.imageDigest === a.digest)).toBe(false);
  });

  it('deletes by digest with all tags, and reports per-image failures', async () => {
    const { name, a, b, c } = await seeded();
    const out = await berth().ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: name,
        imageIds: [{ imageDigest: a.digest }, { imageDigest: c.digest }, { imageTag: 'nope' }, { imageDigest: 'md5:00' }, {}, { imageTag: 'v2', imageDigest: a.digest }, { imageTag: 'bad tag' }],
      }),
    );
    expect(out.imageIds).toEqual([
      { imageDigest: a.digest, imageTag: 'latest' },
      { imageDigest: a.digest, imageTag: 'v1' },
      { imageDigest: c.digest },
    ]);
    expect(out.failures?.map((f) => f.failureCode)).toEqual(['ImageNotFound', 'InvalidImageDigest', 'MissingDigestAndTag', 'ImageTagDoesNotMatchDigest', 'InvalidImageTag']);
    const left = await berth().ecr.send(new ListImagesCommand({ repositoryName: name }));
    expect(left.imageIds).toEqual([{ imageDigest: b.digest, imageTag: 'v2' }]);
    const mismatch = await berth().ecr.send(new BatchDeleteImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'v2', imageDigest: c.digest }] }));
    expect(mismatch.failures?.[0]?.failureCode).toBe('ImageTagDoesNotMatchDigest');
    expect((await v2Of(berth()).getManifest(name, 'v2')).status).toBe(200);
  });

  it('keeps an image an index lists: not deletable by digest, and kept untagged when its last tag goes', async () => {
    const { name, a, c } = await seeded();
    const index = JSON.stringify(indexDocument({ manifests: [a, c].map((m) => manifestDescriptor(m)) }));
    await v2Of(berth()).putManifest(name, 'multi', index, OCI_INDEX);
    const refused = await berth().ecr.send(new BatchDeleteImageCommand({ repositoryName: name, imageIds: [{ imageDigest: c.digest }] }));
    expect(refused.failures?.[0]).toMatchObject({ failureCode: 'ImageReferencedByManifestList' });
    expect(refused.failures?.[0]?.failureReason).toContain(sha256(index));
    await berth().ecr.send(new BatchDeleteImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'v1' }, { imageTag: 'latest' }] }));
    expect((await v2Of(berth()).getManifest(name, a.digest)).status).toBe(200);
    await berth().ecr.send(new BatchDeleteImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'multi' }] }));
    expect((await v2Of(berth()).getManifest(name, sha256(index))).status).toBe(404);
    const gone = await berth().ecr.send(new BatchDeleteImageCommand({ repositoryName: name, imageIds: [{ imageDigest: a.digest }, { imageDigest: c.digest }] }));
    expect(gone.failures).toEqual([]);
  });

  it('names a missing repository', async () => {
    const err = await rejection(berth().ecr.send(new BatchDeleteImageCommand({ repositoryName: 'absent/repo', imageIds: [{ imageTag: 'v1' }] })));
    expect(err).toBeInstanceOf(RepositoryNotFoundException);
  });
});
