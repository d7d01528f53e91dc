import type { OutboxEvent } from './event-store.js';
import type { ManifestSummary } from './manifest-store.js';
import type { Page } from './page.js';

/** ECR's tag status filter: images with at least one tag, without any, or both. */
export type TagStatus = 'TAGGED' | 'UNTAGGED' | 'ANY';

/** ECR's ImageStatus (the archive storage class, src/lifecycle). An image never archived is ACTIVE. */
export type ImageStatus = 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING';

/** ECR's image status filter (ListImagesFilter/DescribeImagesFilter.imageStatus). */
export type ImageStatusFilter = ImageStatus | 'ANY';

export interface ImageStorageState {
  status: ImageStatus;
  /** ECR lastArchivedAt: the last move to the archive storage class. */
  lastArchivedAt?: Date;
  /** ECR lastActivatedAt: the last completed restore (or re-push) from the archive. */
  lastActivatedAt?: Date;
}

/** A stored manifest as ECR describes an image, with its storage state. */
export interface ImageRecord extends ManifestSummary, ImageStorageState {
  /** Tags pointing at it, in lexical order. */
  tags: string[];
  /** ECR's imageSizeInBytes: the image's own size, or for an index the largest child's. */
  reportedSize: number;
}

/** One ListImages entry: a tag with its digest, or a digest alone for an untagged image. */
export interface ImageIdRecord {
  digest: string;
  tag?: string;
}

/** Which images a listing holds: by tag status and by storage status (ANY for every one). */
export interface ImageFilter {
  tagStatus: TagStatus;
  imageStatus: ImageStatusFilter;
}

export interface UntagResult {
  digest: string;
  /** True when the tag was the image's last and the image went with it. */
  imageDeleted: boolean;
}

/**
 * The ECR view of a repository's images: listings by tag and storage status, batch lookups, and
 * ECR's delete-by-tag (removing an image's last tag removes the image).
 */
export interface ImageStore {
  /** ListImages: (digest, tag) pairs in (digest, tag) order strictly after `after`; `next` is the last pair. */
  listImageIds(
    repositoryId: number,
    options: ImageFilter & { after?: ImageIdRecord; limit: number },
  ): Promise<Page<ImageIdRecord, ImageIdRecord>>;
  /** DescribeImages: images in digest order strictly after `after`; `next` is the last digest. */
  listImages(repositoryId: number, options: ImageFilter & { after?: string; limit: number }): Promise<Page<ImageRecord>>;
  /** The images among `digests` that exist in the repository (any order). */
  getImages(repositoryId: number, digests: readonly string[]): Promise<ImageRecord[]>;
  /** Whether a manifest in the repository lists the blob as its config or a layer. */
  isBlobReferenced(repositoryId: number, digest: string): Promise<boolean>;
  /**
   * Removes a tag; when it was the image's last tag, also the image, unless an index in the
   * repository lists it (it then stays, untagged, as part of that index). `events` gives the
   * outbox events for the outcome, written in the same transaction. Undefined when the tag is absent.
   */
  untagImage(repositoryId: number, tag: string, events: (result: UntagResult) => OutboxEvent[]): Promise<UntagResult | undefined>;
}
