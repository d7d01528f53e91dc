/**
 * Domain errors: a stable code, a message saying what was wrong with the input, and optional
 * structured detail, but no transport detail. The codes form a closed union listed per module in
 * errors/ (common, registry, iam, lifecycle, scanning), each with a one-line description; each
 * adapter maps every one of them to its wire (src/api/oci/errors.ts, src/api/ecr/errors.ts).
 * Prefer the named factories below to building a common error by hand.
 */
export { DomainError, isDomainError } from './errors/domain-error.js';
export { DOMAIN_ERROR_CODES, ERROR_CODE_LISTS, ERROR_DESCRIPTIONS, type DomainErrorCode } from './errors/codes.js';
export { asDomainError, invalidParameter, invalidParameterMessage, isStorageFullCause, storageFull } from './errors/common.js';
export { accessKeyExists, accessKeyQuotaExceeded, accountAliasTaken, accountNotFound, noPermissionMapping, userAlreadyExists, userNotFound } from './errors/iam.js';
export {
  blobDamaged,
  blobInUse,
  blobMissingFromStorage,
  blobNotFound,
  blobTooLarge,
  blobUploadNotFound,
  describeImageRef,
  digestInvalid,
  imageNotFound,
  imageTagAlreadyExists,
  manifestInvalid,
  manifestNotAcceptable,
  manifestNotFound,
  manifestTooLarge,
  nameInvalid,
  rangeNotSatisfiable,
  repositoryAlreadyExists,
  repositoryNotEmpty,
  repositoryNotFound,
  tagInvalid,
  tooManyTags,
} from './errors/registry.js';
export { lifecyclePreviewInProgress } from './errors/lifecycle.js';
