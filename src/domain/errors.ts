/**
 * Domain errors carry a stable code and no transport detail. Each adapter owns one catalogue that
 * maps codes to its wire form (OCI error code + HTTP status for /v2, AWS exception name + status
 * for the ECR API), so a service never knows which adapter called it.
 */
export type DomainErrorCode =
  // registry
  | 'NameInvalid'
  | 'RepositoryNotFound'
  | 'RepositoryAlreadyExists'
  | 'RepositoryNotEmpty'
  | 'BlobNotFound'
  | 'BlobUploadNotFound'
  | 'BlobUploadInvalid'
  | 'RangeNotSatisfiable'
  | 'DigestInvalid'
  | 'SizeInvalid'
  | 'ManifestInvalid'
  | 'ManifestNotFound'
  | 'ManifestBlobUnknown'
  | 'ManifestTooLarge'
  | 'TagInvalid'
  | 'ImageTagAlreadyExists'
  | 'ImageAlreadyExists'
  | 'ImageArchived'
  | 'Unsupported'
  // identity and access
  | 'Unauthenticated'
  | 'AccessDenied'
  | 'TooManyRequests'
  // generic
  | 'InvalidParameter'
  | 'LimitExceeded'
  | 'NotFound'
  | 'Conflict'
  | 'Internal'
  // modules add their own codes (e.g. 'LifecyclePolicyNotFound', 'ScanNotFound'); adapters map
  // unknown codes to a server error, so a new code must be added to each catalogue that exposes it.
  | (string & { readonly __moduleCode?: never });

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Structured detail for the wire (e.g. the OCI error `detail` field). Never secrets. */
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function isDomainError(err: unknown, code?: DomainErrorCode): err is DomainError {
  return err instanceof DomainError && (code === undefined || err.code === code);
}
