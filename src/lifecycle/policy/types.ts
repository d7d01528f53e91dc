/**
 * The lifecycle-policy model: the parsed policy, the image facts the evaluator needs, and the
 * decisions it returns. Field names follow the ECR policy grammar (lower-case enum values, as in the
 * policy text) and the ECR wire shapes (upper-case enums, as in LifecyclePolicyPreviewResult), so
 * neither side needs a translation table.
 */

export type TagStatus = 'tagged' | 'untagged' | 'any';

export type CountType =
  | 'imageCountMoreThan'
  | 'sinceImagePushed'
  | 'sinceImagePulled'
  | 'sinceImageTransitioned';

/** Storage class as written in policy text (`selection.storageClass`, `action.targetStorageClass`). */
export type PolicyStorageClass = 'standard' | 'archive';

/** Storage class of an image as ECR reports it (ImageDetail, LifecyclePolicyPreviewResult). */
export type ImageStorageClass = 'STANDARD' | 'ARCHIVE';

export interface LifecycleSelection {
  readonly tagStatus: TagStatus;
  /** Present (non-empty) only when tagStatus is `tagged`; mutually exclusive with tagPatternList. */
  readonly tagPrefixList?: readonly string[];
  /** Present (non-empty) only when tagStatus is `tagged`; `*` wildcards, at most four per entry. */
  readonly tagPatternList?: readonly string[];
  /** Defaulted to `standard` when the policy text omits it, as ECR does. */
  readonly storageClass: PolicyStorageClass;
  readonly countType: CountType;
  /** `days` for the since* count types; absent for imageCountMoreThan. */
  readonly countUnit?: 'days';
  readonly countNumber: number;
}

export type LifecycleRuleAction =
  | { readonly type: 'expire' }
  | { readonly type: 'transition'; readonly targetStorageClass: 'archive' };

export interface LifecycleRule {
  readonly rulePriority: number;
  readonly description?: string;
  readonly selection: LifecycleSelection;
  readonly action: LifecycleRuleAction;
}

/** A validated policy. `rules` is sorted by rulePriority, lowest (applied first) to highest. */
export interface LifecyclePolicy {
  readonly rules: readonly LifecycleRule[];
}

interface ImageFactsBase {
  /** Manifest digest; unique within the repository and the final tie-break of every ordering. */
  readonly digest: string;
  /** Current tags; empty for an untagged image. */
  readonly tags: readonly string[];
  readonly pushedAt: Date;
  /** ECR `lastRecordedPullTime`: recorded on every pull. Absent when never pulled. */
  readonly lastPulledAt?: Date;
  /** ECR `lastActivatedAt`: when the image was last restored from ARCHIVE to STANDARD. */
  readonly activatedAt?: Date;
  /**
   * Digests of the manifest lists / image indexes in the same repository that reference this
   * image. ECR never expires or archives an image while a list that references it is still there.
   */
  readonly referencedBy?: readonly string[];
}

/** What the evaluator needs to know about one image. An archived image always has its archive time. */
export type ImageFacts = ImageFactsBase &
  (
    | { readonly storageClass: 'STANDARD'; readonly transitionedAt?: Date }
    /** `transitionedAt` is ECR `lastArchivedAt`, the clock for sinceImageTransitioned. */
    | { readonly storageClass: 'ARCHIVE'; readonly transitionedAt: Date }
  );

export type LifecycleDecisionAction =
  | { readonly type: 'EXPIRE' }
  | { readonly type: 'TRANSITION'; readonly targetStorageClass: 'ARCHIVE' };

/**
 * One image acted on by one rule. Same field names and enum spellings as ECR's
 * LifecyclePolicyPreviewResult, so the preview adapter only converts dates to epoch seconds.
 */
export interface LifecycleDecision {
  readonly imageDigest: string;
  readonly imageTags: readonly string[];
  readonly imagePushedAt: Date;
  /** The image's storage class before the action. */
  readonly storageClass: ImageStorageClass;
  readonly appliedRulePriority: number;
  readonly action: LifecycleDecisionAction;
}

/** ECR's LifecyclePolicyPreviewSummary. */
export interface LifecycleDecisionSummary {
  readonly expiringImageTotalCount: number;
  /** Only present when at least one image transitions, as in ECR. */
  readonly transitioningImageTotalCounts?: readonly {
    readonly targetStorageClass: 'ARCHIVE';
    readonly imageTotalCount: number;
  }[];
}
