/** ListImages and DescribeImages. */
import { imageNotFound, invalidParameter } from '../../../domain/errors.js';
import type { RepositoryKey } from '../../../domain/reference.js';
import type { ImageRecord } from '../../../metadata/image-store.js';
import type { Registry } from '../../../registry/index.js';
import type { ImageDetail, ImageIdentifier, ImageScanFindingsSummary, ImageScanStatus } from '../model/types.js';
import { defineOperation } from '../operation.js';
import { checkImageId, isFailure } from './image-ids.js';
import { repositoryKey } from './wire.js';

/**
 * Where scan results join DescribeImages (imageScanStatus, imageScanFindingsSummary): the scanning
 * module provides this; without it the members are left out, as ECR does for unscanned images.
 */
export type ImageScanSummaries = (
  key: RepositoryKey,
  digests: readonly string[],
) => Promise<ReadonlyMap<string, { imageScanStatus?: ImageScanStatus; imageScanFindingsSummary?: ImageScanFindingsSummary }>>;

export const listImages = (registry: Registry) =>
  defineOperation({
    name: 'ListImages',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      const { limit, after } = ctx.pages.request<[string, string]>();
      const { tagStatus, imageStatus } = input.filter ?? {};
      const page = await registry.images.listIds(key, {
        tagStatus,
        imageStatus,
        after: after && { digest: after[0], ...(after[1] !== '' && { tag: after[1] }) },
        limit,
      });
      return {
        imageIds: page.items.map((i): ImageIdentifier => ({ imageDigest: i.digest, ...(i.tag !== undefined && { imageTag: i.tag }) })),
        nextToken: ctx.pages.nextToken(page.next && [page.next.digest, page.next.tag ?? '']),
      };
    },
  });

export const describeImages = (registry: Registry, scanSummaries?: ImageScanSummaries) =>
  defineOperation({
    name: 'DescribeImages',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      let images: ImageRecord[];
      let nextToken: string | undefined;
      if (input.imageIds) {
        if (input.maxResults !== undefined || input.nextToken !== undefined) {
          throw invalidParameter('maxResults', 'maxResults and nextToken cannot be used with imageIds');
        }
        images = await lookUp(registry, key, input.imageIds);
      } else {
        const { limit, after } = ctx.pages.request<string>();
        const { tagStatus, imageStatus } = input.filter ?? {};
        const page = await registry.images.list(key, { tagStatus, imageStatus, after, limit });
        images = page.items;
        nextToken = ctx.pages.nextToken(page.next);
      }
      const scans = scanSummaries && images.length > 0 ? await scanSummaries(key, images.map((i) => i.digest)) : undefined;
      return {
        imageDetails: images.map((image) => ({ ...toImageDetail(image, key), ...scans?.get(image.digest) })),
        nextToken,
      };
    },
  });

/** The named images in request order (each once); any that is absent fails the call, as in ECR. */
async function lookUp(registry: Registry, key: RepositoryKey, ids: readonly ImageIdentifier[]): Promise<ImageRecord[]> {
  const digests: string[] = [];
  for (const id of ids) {
    const checked = checkImageId(id);
    if (isFailure(checked)) throw invalidParameter('imageIds', checked.failureReason ?? 'invalid image id');
    const resolved = checked.tag !== undefined ? await registry.images.resolveTag(key, checked.tag) : checked.digest;
    if (resolved === undefined || (checked.digest !== undefined && resolved !== checked.digest)) throw imageNotFound(key, imageRef(id));
    digests.push(resolved);
  }
  const found = await registry.images.byDigest(key, digests);
  const images: ImageRecord[] = [];
  for (const [i, digest] of digests.entries()) {
    const image = found.get(digest);
    if (!image) throw imageNotFound(key, imageRef(ids[i]!));
    if (!images.includes(image)) images.push(image);
  }
  return images;
}

function imageRef(id: ImageIdentifier): { digest?: string; tag?: string } {
  return { digest: id.imageDigest, tag: id.imageTag };
}

function toImageDetail(image: ImageRecord, key: RepositoryKey): ImageDetail {
  return {
    registryId: key.accountId,
    repositoryName: key.name,
    imageDigest: image.digest,
    ...(image.tags.length > 0 && { imageTags: image.tags }),
    imageSizeInBytes: image.reportedSize,
    imagePushedAt: image.pushedAt,
    imageManifestMediaType: image.mediaType,
    ...(image.artifactType !== undefined && { artifactMediaType: image.artifactType }),
    ...(image.lastPulledAt !== undefined && { lastRecordedPullTime: image.lastPulledAt }),
    ...(image.subjectDigest !== undefined && { subjectManifestDigest: image.subjectDigest }),
    imageStatus: image.status,
    ...(image.lastArchivedAt !== undefined && { lastArchivedAt: image.lastArchivedAt }),
    ...(image.lastActivatedAt !== undefined && { lastActivatedAt: image.lastActivatedAt }),
  };
}
