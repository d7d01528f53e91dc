/** Checking the ImageIdentifiers of batch operations, and the per-image failures ECR answers with. */
import { isValidDigest } from '../../../domain/digest.js';
import { isValidTag } from '../../../domain/reference.js';
import type { ImageFailure, ImageFailureCode, ImageIdentifier } from '../model/types.js';

export type CheckedImageId = { digest: string; tag?: string } | { digest?: undefined; tag: string };

export const FAILURE_REASONS = {
  MissingDigestAndTag: 'Invalid request parameters: both tag and digest cannot be null',
  InvalidImageDigest: 'Invalid request parameters: image digest should satisfy the regex \'[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+\'',
  InvalidImageTag: 'Invalid request parameters: image tag should satisfy the regex \'[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}\'',
  ImageNotFound: 'Requested image not found',
  ImageTagDoesNotMatchDigest: 'Invalid request parameters: image tag does not match the image digest',
} as const satisfies Partial<Record<ImageFailureCode, string>>;

export function imageFailure(imageId: ImageIdentifier, failureCode: ImageFailureCode, failureReason?: string): ImageFailure {
  return { imageId, failureCode, failureReason: failureReason ?? FAILURE_REASONS[failureCode as keyof typeof FAILURE_REASONS] };
}

/** The identifier as a digest and/or tag Berth can look up, or the failure ECR reports for it. */
export function checkImageId(id: ImageIdentifier): CheckedImageId | ImageFailure {
  const { imageDigest: digest, imageTag: tag } = id;
  if (digest === undefined && tag === undefined) return imageFailure(id, 'MissingDigestAndTag');
  if (digest !== undefined && !isValidDigest(digest)) return imageFailure(id, 'InvalidImageDigest');
  if (tag !== undefined && !isValidTag(tag)) return imageFailure(id, 'InvalidImageTag');
  return digest !== undefined ? { digest, ...(tag !== undefined && { tag }) } : { tag: tag! };
}

export function isFailure(value: CheckedImageId | ImageFailure): value is ImageFailure {
  return 'failureCode' in value;
}
