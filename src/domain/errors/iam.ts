import { DomainError } from './domain-error.js';

/** Identity and access (src/iam): authentication, authorization, rate limits, resource policies. */
export const IAM_ERRORS = {
  Unauthenticated: 'The caller could not be authenticated (missing, invalid or expired credentials or registry token).',
  AccessDenied: 'The caller is authenticated but no policy allows the action, or an explicit Deny refuses it.',
  TooManyRequests: 'A rate limit was hit (anonymous pulls per address, an account over an ECR rate quota, a blob waiting for garbage collection); retry later.',
  RepositoryPolicyNotFound: 'The repository has no repository policy (GetRepositoryPolicy, DeleteRepositoryPolicy).',
  RegistryPolicyNotFound: 'The registry has no registry policy (GetRegistryPolicy, DeleteRegistryPolicy).',
} as const;

export type IamErrorCode = keyof typeof IAM_ERRORS;

export function accountNotFound(accountId: string): DomainError {
  return new DomainError('NotFound', `The account ${accountId} does not exist.`);
}

/** IAM's wording (NoSuchEntity). */
export function userNotFound(userName: string): DomainError {
  return new DomainError('NotFound', `The user with name ${userName} cannot be found.`);
}

/** IAM's wording (EntityAlreadyExists); names compare case-insensitively. */
export function userAlreadyExists(userName: string): DomainError {
  return new DomainError('Conflict', `User with name ${userName} already exists.`);
}

export function accountAliasTaken(alias: string | undefined): DomainError {
  return new DomainError('Conflict', `the account alias "${alias}" is taken`);
}

export function accessKeyExists(accessKeyId: string): DomainError {
  return new DomainError('Conflict', `access key ${accessKeyId} exists already`);
}

/** IAM's answer when a user (or root) already has its quota of access keys. */
export function accessKeyQuotaExceeded(quota: number): DomainError {
  return new DomainError('LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: ${quota}`);
}

/** An adapter operation the access layer has no action mapping for: refused rather than allowed. */
export function noPermissionMapping(operation: string): DomainError {
  return new DomainError('AccessDenied', `no permission mapping for ${operation}`);
}
