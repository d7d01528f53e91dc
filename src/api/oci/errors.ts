import { DomainError } from '../../domain/errors.js';

/** The OCI distribution-spec error codes with the HTTP status Berth answers them with. */
const CATALOGUE: Record<string, { code: string; status: number }> = {
  NameInvalid: { code: 'NAME_INVALID', status: 400 },
  RepositoryNotFound: { code: 'NAME_UNKNOWN', status: 404 },
  BlobNotFound: { code: 'BLOB_UNKNOWN', status: 404 },
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
  ImageReferencedByManifestList: { code: 'DENIED', status: 409 },
  ImageArchived: { code: 'MANIFEST_UNKNOWN', status: 404 },
  Unsupported: { code: 'UNSUPPORTED', status: 415 },
  InvalidParameter: { code: 'UNSUPPORTED', status: 400 },
  Unauthenticated: { code: 'UNAUTHORIZED', status: 401 },
  AccessDenied: { code: 'DENIED', status: 403 },
  TooManyRequests: { code: 'TOOMANYREQUESTS', status: 429 },
  LimitExceeded: { code: 'TOOMANYREQUESTS', status: 429 },
};

export interface OciErrorResponse {
  status: number;
  body: { errors: { code: string; message: string; detail?: unknown }[] };
}

export function toOciError(err: unknown): OciErrorResponse | undefined {
  if (!(err instanceof DomainError)) return undefined;
  const entry = CATALOGUE[err.code];
  if (!entry) return undefined;
  const error: { code: string; message: string; detail?: unknown } = { code: entry.code, message: err.message };
  if (err.detail !== undefined) error.detail = err.detail;
  return { status: entry.status, body: { errors: [error] } };
}

export function ociError(status: number, code: string, message: string): OciErrorResponse {
  return { status, body: { errors: [{ code, message }] } };
}
