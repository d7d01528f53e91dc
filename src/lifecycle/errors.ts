import { DomainError } from '../domain/errors.js';
import type { RepositoryKey } from '../domain/reference.js';

/**
 * Errors of the lifecycle service beyond the policy engine's (src/lifecycle/policy/errors.ts). The
 * codes map by convention to the ECR exceptions of the same name (`<code>Exception`); messages
 * follow ECR's "... for the repository with name '<name>' in the registry with id '<id>'" frame.
 */

export function previewNotFound(key: RepositoryKey): DomainError {
  return new DomainError(
    'LifecyclePolicyPreviewNotFound',
    `Lifecycle policy preview does not exist for the repository with name '${key.name}' in the registry with id '${key.accountId}'`,
  );
}

export function imageNotFound(key: RepositoryKey, id: { digest?: string; tag?: string }): DomainError {
  return new DomainError(
    'ImageNotFound',
    `The image with imageId {imageDigest:'${id.digest ?? 'null'}', imageTag:'${id.tag ?? 'null'}'} does not exist within the repository with name '${key.name}' in the registry with id '${key.accountId}'`,
  );
}

export function storageClassUpdateNotSupported(detail: string): DomainError {
  return new DomainError('ImageStorageClassUpdateNotSupported', `The requested image storage class update is not supported: ${detail}`);
}
