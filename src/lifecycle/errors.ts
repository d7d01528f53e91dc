import { DomainError } from '../domain/errors.js';
import type { RepositoryKey } from '../domain/reference.js';

/**
 * Errors of the lifecycle service beyond the policy engine's (src/lifecycle/policy/errors.ts); its
 * codes are listed in src/domain/errors/lifecycle.ts. Messages follow ECR's "... for the repository
 * with name '<name>' in the registry with id '<id>'" frame.
 */

export function previewNotFound(key: RepositoryKey): DomainError {
  return new DomainError(
    'LifecyclePolicyPreviewNotFound',
    `Lifecycle policy preview does not exist for the repository with name '${key.name}' in the registry with id '${key.accountId}'`,
  );
}

export function storageClassUpdateNotSupported(detail: string): DomainError {
  return new DomainError('ImageStorageClassUpdateNotSupported', `The requested image storage class update is not supported: ${detail}`);
}
