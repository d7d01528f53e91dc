import { DomainError } from '../../domain/errors.js';

/**
 * Error constructors with ECR's wording. ECR wraps every policy-content problem as
 * `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy
 * validation failure: <detail>'`; we keep that frame and make <detail> name the field and the
 * problem (ECR's own details are often terse schema messages without a location).
 */

const VALIDATION_FRAME =
  "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ";

export function policyValidationError(detail: string): DomainError {
  return new DomainError('InvalidParameter', `${VALIDATION_FRAME}${detail}'`);
}

/** The request-level length constraint (LifecyclePolicyText: min 100, max 30,720 characters). */
export function policyTextLengthError(bound: 'min' | 'max', limit: number): DomainError {
  const relation = bound === 'min' ? 'greater than or equal to' : 'less than or equal to';
  return new DomainError(
    'InvalidParameter',
    `1 validation error detected: Value at 'lifecyclePolicyText' failed to satisfy constraint: Member must have length ${relation} ${limit}`,
  );
}

/** For GetLifecyclePolicy / DeleteLifecyclePolicy / GetLifecyclePolicyPreview on a repository without one. */
export function lifecyclePolicyNotFound(repositoryName: string, registryId: string): DomainError {
  return new DomainError(
    'LifecyclePolicyNotFound',
    `Lifecycle policy does not exist for the repository with name '${repositoryName}' in the registry with id '${registryId}'`,
  );
}
