/** Lifecycle policies, their previews and the archive storage class (src/lifecycle). */
export const LIFECYCLE_ERRORS = {
  LifecyclePolicyNotFound: 'The repository has no lifecycle policy.',
  LifecyclePolicyPreviewNotFound: 'The repository has no lifecycle policy preview.',
  LifecyclePolicyPreviewInProgress: "The repository's previous lifecycle policy preview has not completed yet.",
  ImageStorageClassUpdateNotSupported: "The image cannot change storage class now (listed by an index that is not archived, or still being restored).",
} as const;

export type LifecycleErrorCode = keyof typeof LIFECYCLE_ERRORS;
