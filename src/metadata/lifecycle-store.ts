import type { OutboxEvent } from './event-store.js';
import type { ImageStatus, ImageStorageState, TagStatus } from './image-store.js';
import type { Page } from './page.js';

/**
 * What the lifecycle module keeps: each repository's lifecycle policy, the latest preview of a
 * policy with its results, and each image's storage state (ECR's archive storage class).
 *
 * Archiving is a metadata state. An archived image keeps its manifest row, its tags and every
 * manifest_blobs row, so its bytes stay on the same storage and garbage collection's mark (which
 * reads manifest_blobs) keeps them; only pulls are refused until the image is restored.
 */

export interface LifecyclePolicyRecord {
  repositoryId: number;
  /** Stored verbatim: ECR returns the text exactly as it was put. */
  text: string;
  updatedAt: Date;
  /** When a lifecycle run last evaluated the repository's policy. */
  lastEvaluatedAt?: Date;
}

export type LifecyclePreviewStatus = 'IN_PROGRESS' | 'COMPLETE' | 'FAILED';

export interface LifecyclePreviewRecord {
  /** Identifies this preview among the repository's successive previews. */
  id: number;
  repositoryId: number;
  text: string;
  status: LifecyclePreviewStatus;
  startedAt: Date;
  completedAt?: Date;
  /** Totals over every result (COMPLETE only). */
  expiringCount?: number;
  transitioningCount?: number;
  /** Why the preview failed (FAILED only). */
  failure?: string;
}

/** One image a previewed policy acts on, in ECR's LifecyclePolicyPreviewResult terms. */
export interface LifecyclePreviewResultRecord {
  imageDigest: string;
  imageTags: readonly string[];
  imagePushedAt: Date;
  storageClass: 'STANDARD' | 'ARCHIVE';
  appliedRulePriority: number;
  action: 'EXPIRE' | 'TRANSITION';
}

/** An image as lifecycle evaluation reads it (one row of one streaming query). */
export interface LifecycleImageRecord {
  digest: string;
  tags: readonly string[];
  pushedAt: Date;
  lastPulledAt?: Date;
  status: ImageStatus;
  lastArchivedAt?: Date;
  lastActivatedAt?: Date;
  /** Indexes in the same repository that list this image. */
  referencedBy?: readonly string[];
}

export interface ImageStatusChange {
  /** The statuses the image may be in for the change to apply; otherwise nothing changes. */
  from: readonly ImageStatus[];
  to: ImageStatus;
  at: Date;
  /** Outbox events for an applied change, written in the same transaction. */
  events: (state: ImageStorageState) => OutboxEvent[];
}

export interface ImageStatusChangeResult {
  /** The status before the call. */
  previous: ImageStatus;
  /** The state after the call (unchanged when `previous` was not among `from`). */
  state: ImageStorageState;
  changed: boolean;
}

export interface LifecycleStore {
  getPolicy(repositoryId: number): Promise<LifecyclePolicyRecord | undefined>;
  /** Creates or replaces the policy; the last evaluation time is kept. */
  putPolicy(repositoryId: number, text: string, now: Date): Promise<LifecyclePolicyRecord>;
  /** Deletes and returns the policy, or undefined when there is none. */
  deletePolicy(repositoryId: number): Promise<LifecyclePolicyRecord | undefined>;
  recordEvaluation(repositoryId: number, at: Date): Promise<void>;
  /** Policies in repository-id order after `after`. */
  listPolicies(options: { after?: number; limit: number }): Promise<LifecyclePolicyRecord[]>;

  /**
   * Starts a new preview (IN_PROGRESS), discarding the previous one and its results. Fails with
   * LifecyclePolicyPreviewInProgress while another preview started after `staleBefore` is still in
   * progress; one started earlier is taken as abandoned and replaced.
   */
  beginPreview(repositoryId: number, text: string, now: Date, staleBefore: Date): Promise<LifecyclePreviewRecord>;
  /** Stores the results and marks the preview COMPLETE; false when it is no longer the one in progress. */
  completePreview(previewId: number, results: readonly LifecyclePreviewResultRecord[], now: Date): Promise<boolean>;
  failPreview(previewId: number, failure: string, now: Date): Promise<void>;
  getPreview(repositoryId: number): Promise<LifecyclePreviewRecord | undefined>;
  getPreviewById(previewId: number): Promise<LifecyclePreviewRecord | undefined>;
  /**
   * Results in their stored order (oldest image first) after position `after`, optionally only
   * those whose image is tagged/untagged, or named by digest or by one of its tags.
   */
  listPreviewResults(
    previewId: number,
    options: { tagStatus?: TagStatus; digests?: readonly string[]; tags?: readonly string[]; after?: number; limit: number },
  ): Promise<Page<LifecyclePreviewResultRecord & { position: number }, number>>;

  /** Every image of the repository with what lifecycle evaluation needs, read in one query. */
  loadImages(repositoryId: number): Promise<LifecycleImageRecord[]>;
  /** Storage states of those `digests` that exist in the repository. */
  imageStates(repositoryId: number, digests: readonly string[]): Promise<Map<string, ImageStorageState>>;
  /** The indexes in the repository that list the image, with their statuses. */
  referencingIndexes(repositoryId: number, digest: string): Promise<{ digest: string; status: ImageStatus }[]>;
  /** Moves an image between statuses atomically; undefined when the image does not exist. */
  changeImageStatus(repositoryId: number, digest: string, change: ImageStatusChange): Promise<ImageStatusChangeResult | undefined>;
}
