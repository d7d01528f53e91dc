import { type DomainErrorCode, asDomainError } from '../../domain/errors.js';

/**
 * The distribution spec's error codes, TAG_INVALID (distribution's, which ECR sends too) and
 * UNKNOWN (distribution's code for its own failures).
 */
export type OciErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'TAG_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'UNKNOWN';

export interface OciWireError {
  code: OciErrorCode;
  status: number;
  /** A server fault (5xx) whose message is sent all the same: it says what the operator must fix, and nothing secret. */
  showsMessage?: true;
}

const SERVER_FAULT: OciWireError = { code: 'UNKNOWN', status: 500 };
/** Nothing in the spec says "conflict": a refused change is DENIED, with 409. */
const CONFLICT: OciWireError = { code: 'DENIED', status: 409 };
/** Absent things the /v2 API has no word for (policies, previews, scans, IAM entities). */
const ABSENT: OciWireError = { code: 'UNSUPPORTED', status: 404 };
const BAD_PARAMETER: OciWireError = { code: 'UNSUPPORTED', status: 400 };

/**
 * Every domain code with the OCI error code and HTTP status /v2 answers it with. Codes only ECR's
 * operations raise are decided too, so no code reaches a client as an accidental 500.
 */
export const OCI_ERRORS: Readonly<Record<DomainErrorCode, OciWireError>> = {
  // common
  InvalidParameter: BAD_PARAMETER,
  Validation: BAD_PARAMETER,
  LimitExceeded: { code: 'TOOMANYREQUESTS', status: 429 },
  NotFound: ABSENT,
  Conflict: CONFLICT,
  Internal: SERVER_FAULT,
  // 507 Insufficient Storage (RFC 4918): the request was fine, the registry could not store it.
  StorageFull: { code: 'UNKNOWN', status: 507, showsMessage: true },
  // registry
  NameInvalid: { code: 'NAME_INVALID', status: 400 },
  RepositoryNotFound: { code: 'NAME_UNKNOWN', status: 404 },
  RepositoryAlreadyExists: CONFLICT,
  RepositoryNotEmpty: CONFLICT,
  BlobNotFound: { code: 'BLOB_UNKNOWN', status: 404 },
  // The spec's answer for a delete the registry does not perform (the conformance suite expects it).
  BlobInUse: { code: 'UNSUPPORTED', status: 405 },
  BlobUploadNotFound: { code: 'BLOB_UPLOAD_UNKNOWN', status: 404 },
  BlobUploadInvalid: { code: 'BLOB_UPLOAD_INVALID', status: 400 },
  RangeNotSatisfiable: { code: 'BLOB_UPLOAD_INVALID', status: 416 },
  DigestInvalid: { code: 'DIGEST_INVALID', status: 400 },
  SizeInvalid: { code: 'SIZE_INVALID', status: 400 },
  ManifestInvalid: { code: 'MANIFEST_INVALID', status: 400 },
  ManifestNotFound: { code: 'MANIFEST_UNKNOWN', status: 404 },
  ManifestBlobUnknown: { code: 'MANIFEST_BLOB_UNKNOWN', status: 400 },
  ManifestTooLarge: { code: 'SIZE_INVALID', status: 413 },
  TagInvalid: { code: 'TAG_INVALID', status: 400 },
  // ECR answers a push over an immutable tag with TAG_INVALID.
  ImageTagAlreadyExists: { code: 'TAG_INVALID', status: 400 },
  ImageAlreadyExists: CONFLICT,
  ImageArchived: { code: 'MANIFEST_UNKNOWN', status: 404 },
  ImageNotFound: { code: 'MANIFEST_UNKNOWN', status: 404 },
  ImageReferencedByManifestList: CONFLICT,
  Unsupported: { code: 'UNSUPPORTED', status: 415 },
  TooManyTags: BAD_PARAMETER,
  InvalidTagParameter: BAD_PARAMETER,
  LayersNotFound: { code: 'BLOB_UNKNOWN', status: 404 },
  LayerInaccessible: { code: 'BLOB_UNKNOWN', status: 404 },
  LayerAlreadyExists: CONFLICT,
  EmptyUpload: { code: 'BLOB_UPLOAD_INVALID', status: 400 },
  InvalidLayer: { code: 'DIGEST_INVALID', status: 400 },
  InvalidLayerPart: { code: 'BLOB_UPLOAD_INVALID', status: 416 },
  ImageDigestDoesNotMatch: { code: 'DIGEST_INVALID', status: 400 },
  ReferencedImagesNotFound: { code: 'MANIFEST_BLOB_UNKNOWN', status: 400 },
  // iam
  Unauthenticated: { code: 'UNAUTHORIZED', status: 401 },
  AccessDenied: { code: 'DENIED', status: 403 },
  TooManyRequests: { code: 'TOOMANYREQUESTS', status: 429 },
  RepositoryPolicyNotFound: ABSENT,
  RegistryPolicyNotFound: ABSENT,
  // lifecycle
  LifecyclePolicyNotFound: ABSENT,
  LifecyclePolicyPreviewNotFound: ABSENT,
  LifecyclePolicyPreviewInProgress: CONFLICT,
  ImageStorageClassUpdateNotSupported: BAD_PARAMETER,
  // scanning
  ScanNotFound: ABSENT,
  UnsupportedImageType: BAD_PARAMETER,
  ScanFailed: SERVER_FAULT,
  VulnDbImportFailed: SERVER_FAULT,
  SbomInvalid: SERVER_FAULT,
};

export interface OciErrorResponse {
  status: number;
  body: { errors: { code: string; message: string; detail?: unknown }[] };
}

/**
 * The response for a DomainError, or a full disk (StorageFull), and undefined for anything else; a
 * server fault's message stays in the log unless the catalogue shows it.
 */
export function toOciError(thrown: unknown): OciErrorResponse | undefined {
  const err = asDomainError(thrown);
  if (!err) return undefined;
  const entry = OCI_ERRORS[err.code] ?? SERVER_FAULT;
  if (entry.status >= 500 && !entry.showsMessage) return INTERNAL_ERROR;
  const error: { code: string; message: string; detail?: unknown } = { code: entry.code, message: err.message };
  if (err.detail !== undefined) error.detail = err.detail;
  return { status: entry.status, body: { errors: [error] } };
}

export function ociError(status: number, code: OciErrorCode, message: string): OciErrorResponse {
  return { status, body: { errors: [{ code, message }] } };
}

/** Berth's own failure: the client learns nothing more (the cause is logged). */
export const INTERNAL_ERROR: OciErrorResponse = ociError(500, 'UNKNOWN', 'internal server error');
