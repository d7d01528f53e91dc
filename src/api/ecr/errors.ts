/**
 * The ECR adapter's error catalogue: which AWS exception (and HTTP status) answers each failure.
 *
 * - Every exception in the model answers 400, except ServerException (a fault) which answers 500;
 *   the model declares no other status and AWS JSON clients identify errors by `__type`.
 * - Errors common to all AWS JSON services (auth, throttling, protocol) are listed here with the
 *   statuses AWS documents ("Common Errors": AccessDeniedException 400, ThrottlingException 400)
 *   or that ECR was observed to send (every SigV4 failure, MissingAuthenticationToken included,
 *   is a 400 from ECR; see src/iam/sigv4/errors.ts).
 * - Every domain code maps through DOMAIN_ERRORS (typed over the closed DomainErrorCode union, so a
 *   new code fails the typecheck until it is decided here); an operation may override a code.
 */
import { asDomainError, type DomainErrorCode } from '../../domain/errors.js';
import { isSigV4Error } from '../../iam/sigv4/index.js';
import { getShape, modelExceptionNames } from './model/index.js';
import type { EcrModelExceptionName } from './model/types.js';

const COMMON_ERRORS = {
  AccessDeniedException: 400,
  ThrottlingException: 400,
  UnrecognizedClientException: 400,
  IncompleteSignatureException: 400,
  ExpiredTokenException: 400,
  InvalidSignatureException: 400,
  MissingAuthenticationTokenException: 400,
  UnknownOperationException: 400,
  SerializationException: 400,
  RequestEntityTooLargeException: 413,
  // A body that arrives too slowly (api/http/body.ts's pace); clients see a timeout's status.
  RequestTimeoutException: 408,
  ServiceUnavailableException: 503,
} as const;

export type EcrErrorName = EcrModelExceptionName | keyof typeof COMMON_ERRORS;

/** Protocol-level errors are raised by AWS's service framework and carry its namespace. */
const NAMESPACED: Partial<Record<EcrErrorName, string>> = {
  UnknownOperationException: 'com.amazon.coral.service#UnknownOperationException',
  SerializationException: 'com.amazon.coral.service#SerializationException',
};

const MODEL_EXCEPTIONS: ReadonlySet<string> = new Set(modelExceptionNames());

/** The exception every domain code answers with. */
export const DOMAIN_ERRORS: Readonly<Record<DomainErrorCode, EcrErrorName>> = {
  // common
  InvalidParameter: 'InvalidParameterException',
  Validation: 'ValidationException',
  LimitExceeded: 'LimitExceededException',
  NotFound: 'InvalidParameterException',
  Conflict: 'InvalidParameterException',
  Internal: 'ServerException',
  StorageFull: 'ServerException',
  // registry
  NameInvalid: 'InvalidParameterException',
  RepositoryNotFound: 'RepositoryNotFoundException',
  RepositoryAlreadyExists: 'RepositoryAlreadyExistsException',
  RepositoryNotEmpty: 'RepositoryNotEmptyException',
  BlobNotFound: 'LayersNotFoundException',
  // ECR has no blob deletion; no operation raises it.
  BlobInUse: 'InvalidParameterException',
  BlobUploadNotFound: 'UploadNotFoundException',
  BlobUploadInvalid: 'InvalidLayerPartException',
  RangeNotSatisfiable: 'InvalidLayerPartException',
  DigestInvalid: 'InvalidParameterException',
  SizeInvalid: 'InvalidParameterException',
  ManifestInvalid: 'InvalidParameterException',
  ManifestNotFound: 'ImageNotFoundException',
  ManifestBlobUnknown: 'LayersNotFoundException',
  ManifestTooLarge: 'InvalidParameterException',
  TagInvalid: 'InvalidParameterException',
  ImageTagAlreadyExists: 'ImageTagAlreadyExistsException',
  ImageAlreadyExists: 'ImageAlreadyExistsException',
  ImageArchived: 'ImageArchivedException',
  ImageNotFound: 'ImageNotFoundException',
  // ECR has it only as a BatchDeleteImage failure code; a single refusal is a bad parameter.
  ImageReferencedByManifestList: 'InvalidParameterException',
  Unsupported: 'ValidationException',
  TooManyTags: 'TooManyTagsException',
  InvalidTagParameter: 'InvalidTagParameterException',
  LayersNotFound: 'LayersNotFoundException',
  LayerInaccessible: 'LayerInaccessibleException',
  LayerAlreadyExists: 'LayerAlreadyExistsException',
  EmptyUpload: 'EmptyUploadException',
  InvalidLayer: 'InvalidLayerException',
  InvalidLayerPart: 'InvalidLayerPartException',
  ImageDigestDoesNotMatch: 'ImageDigestDoesNotMatchException',
  ReferencedImagesNotFound: 'ReferencedImagesNotFoundException',
  // iam
  Unauthenticated: 'UnrecognizedClientException',
  AccessDenied: 'AccessDeniedException',
  TooManyRequests: 'ThrottlingException',
  RepositoryPolicyNotFound: 'RepositoryPolicyNotFoundException',
  RegistryPolicyNotFound: 'RegistryPolicyNotFoundException',
  // lifecycle
  LifecyclePolicyNotFound: 'LifecyclePolicyNotFoundException',
  LifecyclePolicyPreviewNotFound: 'LifecyclePolicyPreviewNotFoundException',
  LifecyclePolicyPreviewInProgress: 'LifecyclePolicyPreviewInProgressException',
  ImageStorageClassUpdateNotSupported: 'ImageStorageClassUpdateNotSupportedException',
  // scanning
  ScanNotFound: 'ScanNotFoundException',
  UnsupportedImageType: 'UnsupportedImageTypeException',
  ScanFailed: 'ServerException',
  VulnDbImportFailed: 'ServerException',
  SbomInvalid: 'ServerException',
};

/** Faults whose message is sent all the same: it names the condition an operator must fix, and nothing secret. */
const FAULTS_WITH_MESSAGE: ReadonlySet<DomainErrorCode> = new Set(['StorageFull']);

/** An operation's own exception for some codes, ahead of DOMAIN_ERRORS. */
export type ErrorOverrides = Readonly<Partial<Record<DomainErrorCode, EcrErrorName>>>;

const INTERNAL_MESSAGE = 'An internal error occurred. Try the request again.';

export function errorStatus(name: EcrErrorName): number {
  if (name in COMMON_ERRORS) return COMMON_ERRORS[name as keyof typeof COMMON_ERRORS];
  const shape = getShape(name);
  return shape.error?.httpStatusCode ?? (shape.fault ? 500 : 400);
}

/** An error already in ECR's wire vocabulary. */
export class EcrApiError extends Error {
  readonly awsErrorCode: EcrErrorName;
  readonly statusCode: number;
  readonly fields: Readonly<Record<string, unknown>> | undefined;
  readonly hasMessage: boolean;

  /** `message` undefined sends no message member (as AWS does for UnknownOperationException). */
  constructor(code: EcrErrorName, message?: string, options: { statusCode?: number; fields?: Record<string, unknown> } = {}) {
    super(message ?? code);
    this.name = 'EcrApiError';
    this.awsErrorCode = code;
    this.statusCode = options.statusCode ?? errorStatus(code);
    this.fields = options.fields;
    this.hasMessage = message !== undefined;
  }
}

/** The exception a domain code answers with (a code forced past the type, say from JS, is a fault). */
export function exceptionForDomainCode(code: DomainErrorCode, overrides?: ErrorOverrides): EcrErrorName {
  return overrides?.[code] ?? DOMAIN_ERRORS[code] ?? 'ServerException';
}

export interface WireError {
  statusCode: number;
  /** The short exception name (no namespace), for logs and metrics. */
  name: string;
  body: Record<string, unknown>;
  /** True when the failure is Berth's (5xx): log it with its cause. */
  fault: boolean;
}

export function toWireError(err: unknown, overrides?: ErrorOverrides): WireError {
  if (err instanceof EcrApiError) {
    return wire(err.awsErrorCode, err.statusCode, err.hasMessage ? err.message : undefined, err.fields);
  }
  const domain = asDomainError(err);
  if (domain) {
    const name = exceptionForDomainCode(domain.code, overrides);
    const status = errorStatus(name);
    if (status >= 500 && !FAULTS_WITH_MESSAGE.has(domain.code)) return wire(name, status, INTERNAL_MESSAGE);
    return wire(name, status, domain.message, exceptionFields(name, domain.detail));
  }
  if (isSigV4Error(err)) return wire(err.awsCode, err.httpStatus, err.message);
  return wire('ServerException', 500, INTERNAL_MESSAGE);
}

function wire(name: string, statusCode: number, message: string | undefined, fields?: Readonly<Record<string, unknown>>): WireError {
  const body: Record<string, unknown> = { __type: NAMESPACED[name as EcrErrorName] ?? name };
  if (message !== undefined) body.message = message;
  for (const [k, v] of Object.entries(fields ?? {})) if (k !== '__type' && k !== 'message') body[k] = v;
  return { statusCode, name, body, fault: statusCode >= 500 };
}

/** Domain detail members the exception shape declares (e.g. InvalidLayerPartException.uploadId). */
function exceptionFields(name: EcrErrorName, detail: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!detail || !MODEL_EXCEPTIONS.has(name)) return undefined;
  const members = getShape(name).members ?? {};
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(members)) {
    const v = detail[key];
    if (key !== 'message' && (typeof v === 'string' || typeof v === 'number')) fields[key] = v;
  }
  return fields;
}
