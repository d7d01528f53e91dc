import { parseDigest } from '../domain/digest.js';
import type { RepositoryKey } from '../domain/reference.js';
import type { ImageFilter, ImageIdRecord, ImageRecord, UntagResult } from '../metadata/image-store.js';
import type { Page } from '../metadata/page.js';
import type { BlobRecord } from '../metadata/registry-store.js';
import type { RegistryContext } from './context.js';
import type { Actor } from '../audit/actor.js';
import { RegistryEvent, registryEvent } from './events.js';
import type { RepositoryService } from './repositories.js';

/**
 * Which images a listing holds, as ECR's ListImagesFilter and DescribeImagesFilter define it: by
 * tag status (TAGGED, UNTAGGED, or ANY when unset) and by storage status (ACTIVE, ARCHIVED,
 * ACTIVATING, or ANY; "if not specified, only images with ACTIVE status are returned").
 */
export interface ImageQuery<After> extends Partial<ImageFilter> {
  /** The key of the previous page's last entry (Page.next). */
  after?: After;
  limit: number;
}

/**
 * Images as ECR's control plane sees them: listings by tag and storage status with sizes, tags,
 * times and storage state, batch lookups, and delete-by-tag where removing an image's last tag
 * removes the image. Every call requires the repository to exist (RepositoryNotFound otherwise).
 */
export class ImageService {
  constructor(
    private readonly ctx: RegistryContext,
    private readonly repositories: RepositoryService,
  ) {}

  /** DescribeImages: one page of images in digest order. */
  async list(key: RepositoryKey, query: ImageQuery<string>): Promise<Page<ImageRecord>> {
    const repository = await this.repositories.get(key);
    return this.ctx.store.images.listImages(repository.id, withDefaults(query));
  }

  /** ListImages: one page of (digest, tag) pairs (a digest alone for an untagged image) in that order. */
  async listIds(key: RepositoryKey, query: ImageQuery<ImageIdRecord>): Promise<Page<ImageIdRecord, ImageIdRecord>> {
    const repository = await this.repositories.get(key);
    return this.ctx.store.images.listImageIds(repository.id, withDefaults(query));
  }

  /** The images with these digests that exist, keyed by digest. */
  async byDigest(key: RepositoryKey, digests: readonly string[]): Promise<Map<string, ImageRecord>> {
    const repository = await this.repositories.get(key);
    const images = await this.ctx.store.images.getImages(repository.id, [...new Set(digests)]);
    return new Map(images.map((image) => [image.digest, image]));
  }

  /** The digest a tag points at, or undefined. */
  async resolveTag(key: RepositoryKey, tag: string): Promise<string | undefined> {
    const repository = await this.repositories.get(key);
    return this.ctx.store.registry.resolveTag(repository.id, tag);
  }

  /** Removes a tag, and the image with it when it was the last (unless an index lists the image). */
  async untag(key: RepositoryKey, tag: string, actor: Actor): Promise<UntagResult | undefined> {
    const repository = await this.repositories.get(key);
    const now = this.ctx.now();
    return this.ctx.store.images.untagImage(repository.id, tag, (result) => [
      registryEvent(RegistryEvent.TagDeleted, repository, now, actor, { tag, digest: result.digest }),
      ...(result.imageDeleted ? [registryEvent(RegistryEvent.ImageDeleted, repository, now, actor, { digest: result.digest, tags: [tag] })] : []),
    ]);
  }

  /** The blobs among `digests` the repository holds (uploaded or mounted), keyed by digest. */
  async layers(key: RepositoryKey, digests: readonly string[]): Promise<Map<string, BlobRecord>> {
    const repository = await this.repositories.get(key);
    const found = new Map<string, BlobRecord>();
    for (const digest of new Set(digests)) {
      const blob = await this.ctx.store.registry.getRepositoryBlob(repository.id, digest);
      // Like a blob HEAD: the client may name it in PutImage next, so garbage collection must keep it.
      if (blob && (await this.ctx.guard.noteRead(repository.id, digest))) found.set(digest, blob);
    }
    return found;
  }

  /** Whether an image in the repository uses the blob (as config or layer). */
  async isLayerInUse(key: RepositoryKey, digest: string): Promise<boolean> {
    parseDigest(digest);
    const repository = await this.repositories.get(key);
    return this.ctx.store.images.isBlobReferenced(repository.id, digest);
  }
}

function withDefaults<After>(query: ImageQuery<After>): ImageFilter & { after?: After; limit: number } {
  return { ...query, tagStatus: query.tagStatus ?? 'ANY', imageStatus: query.imageStatus ?? 'ACTIVE' };
}
