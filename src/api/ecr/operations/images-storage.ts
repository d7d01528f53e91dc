/**
 * ListImages/DescribeImages and the archive storage class: listings per image status and the
 * status members of ImageDetail. "If not specified, only images with ACTIVE status are returned"
 * (ListImagesFilter/DescribeImagesFilter.imageStatus in the ECR model); ANY lists every image.
 */
import type { RepositoryKey } from '../../../domain/reference.js';
import type { ImageIdRecord, ImageRecord, TagStatus } from '../../../metadata/image-store.js';
import type { Registry } from '../../../registry/index.js';
import type { ImageDetail, ImageStatusFilter } from '../model/types.js';

type Page<T> = { items: T[]; more: boolean };

export async function listImageIdsByStatus(
  registry: Registry,
  key: RepositoryKey,
  imageStatus: ImageStatusFilter | undefined,
  options: { tagStatus: TagStatus; after?: ImageIdRecord; limit: number },
): Promise<Page<ImageIdRecord>> {
  const status = imageStatus ?? 'ACTIVE';
  if (status === 'ANY') return registry.images.listIds(key, options);
  return registry.storage.listIds(key, { ...options, imageStatus: status });
}

export async function listImagesByStatus(
  registry: Registry,
  key: RepositoryKey,
  imageStatus: ImageStatusFilter | undefined,
  options: { tagStatus: TagStatus; after?: string; limit: number },
): Promise<Page<ImageRecord>> {
  const status = imageStatus ?? 'ACTIVE';
  if (status === 'ANY') return registry.images.list(key, options);
  const page = await registry.storage.listDigests(key, { ...options, imageStatus: status });
  const found = await registry.images.byDigest(key, page.items);
  // An image deleted between the two reads is simply not on the page.
  return { items: page.items.flatMap((digest) => found.get(digest) ?? []), more: page.more };
}

/** imageStatus, lastArchivedAt and lastActivatedAt for each image, keyed by digest. */
export async function storageDetails(
  registry: Registry,
  key: RepositoryKey,
  images: readonly ImageRecord[],
): Promise<Map<string, Pick<ImageDetail, 'imageStatus' | 'lastArchivedAt' | 'lastActivatedAt'>>> {
  const details = new Map<string, Pick<ImageDetail, 'imageStatus' | 'lastArchivedAt' | 'lastActivatedAt'>>();
  if (images.length === 0) return details;
  const states = await registry.storage.states(key, images.map((i) => i.digest));
  for (const [digest, state] of states) {
    details.set(digest, {
      imageStatus: state.status,
      ...(state.lastArchivedAt && { lastArchivedAt: state.lastArchivedAt }),
      ...(state.lastActivatedAt && { lastActivatedAt: state.lastActivatedAt }),
    });
  }
  return details;
}
