import type { OutboxEvent } from './event-store.js';
import type { ManifestSummary } from './registry-store.js';

export type TagStatus = 'TAGGED' | 'UNTAGGED' | 'ANY';

/** A stored manifest as ECR describes an image. */
export interface ImageRecord extends ManifestSummary {
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

export interface UntagResult {
  digest: string;
  /** True when the tag was the image's last and the image went with it. */
  imageDeleted: boolean;
}

/**
 * The ECR view of a repository's images: listings by tag status, batch lookups, and ECR's
 * delete-by-tag (removing an image's last tag removes the image).
 */
export interface ImageStore {
  /** ListImages: (digest, tag) pairs in (digest, tag) order strictly after `after`; `more` when the page was cut. */
  listImageIds(
    repositoryId: number,
    options: { tagStatus: TagStatus; after?: ImageIdRecord; limit: number },
  ): Promise<{ items: ImageIdRecord[]; more: boolean }>;
  /** DescribeImages: images in digest order strictly after `after`. */
  listImages(
    repositoryId: number,
    options: { tagStatus: TagStatus; after?: string; limit: number },
  ): Promise<{ items: ImageRecord[]; more: boolean }>;
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
