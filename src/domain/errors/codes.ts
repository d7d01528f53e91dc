import { COMMON_ERRORS, type CommonErrorCode } from './common.js';
import { IAM_ERRORS, type IamErrorCode } from './iam.js';
import { LIFECYCLE_ERRORS, type LifecycleErrorCode } from './lifecycle.js';
import { REGISTRY_ERRORS, type RegistryErrorCode } from './registry.js';
import { SCANNING_ERRORS, type ScanningErrorCode } from './scanning.js';

/**
 * Every code a DomainError may carry: the closed union of the modules' lists. A new code goes into
 * its module's list with a one-line description; the adapters' catalogues (Record<DomainErrorCode,
 * …>) then fail the typecheck until it has a mapping on each.
 */
export type DomainErrorCode = CommonErrorCode | RegistryErrorCode | IamErrorCode | LifecycleErrorCode | ScanningErrorCode;

/** Each module's codes with their descriptions (test/api/error-catalogue.test.ts keeps them apart and documented). */
export const ERROR_CODE_LISTS = {
  common: COMMON_ERRORS,
  registry: REGISTRY_ERRORS,
  iam: IAM_ERRORS,
  lifecycle: LIFECYCLE_ERRORS,
  scanning: SCANNING_ERRORS,
} as const;

/** One line per code: what failed. */
export const ERROR_DESCRIPTIONS: Readonly<Record<DomainErrorCode, string>> = {
  ...COMMON_ERRORS,
  ...REGISTRY_ERRORS,
  ...IAM_ERRORS,
  ...LIFECYCLE_ERRORS,
  ...SCANNING_ERRORS,
};

export const DOMAIN_ERROR_CODES = Object.keys(ERROR_DESCRIPTIONS) as readonly DomainErrorCode[];
