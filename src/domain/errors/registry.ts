import type { RepositoryKey } from '../reference.js';
import { DomainError } from './domain-error.js';

/**
 * The registry's failures (src/registry and its store): repositories, blobs, uploads, manifests,
 * tags and images, including those ECR's image and layer operations name in their own terms.
 */
export const REGISTRY_ERRORS = {
  NameInvalid: 'A repository name outside the distribution grammar (or a /v2 path that is not valid percent-encoding).',
  RepositoryNotFound: 'The repository does not exist in the account addressed.',
  RepositoryAlreadyExists: 'CreateRepository named a repository that exists already.',
  RepositoryNotEmpty: 'DeleteRepository without force on a repository that still holds images.',
  BlobNotFound: 'The blob is not linked to the repository (or its file is gone from storage).',
  BlobInUse: 'A blob cannot be deleted from a repository while a manifest there references it (/v2 blob DELETE).',
  BlobUploadNotFound: 'The upload session is unknown to the repository, finished or cancelled.',
  BlobUploadInvalid: 'An upload chunk is malformed (e.g. an unparseable Content-Range).',
  RangeNotSatisfiable: 'An upload chunk does not start where the upload ends, or does not match its Content-Range.',
  DigestInvalid: 'A digest is malformed, of an unsupported algorithm, missing, or does not match the content.',
  SizeInvalid: 'A length is inconsistent with the body, or a blob exceeds the configured size limit.',
  ManifestInvalid: 'A manifest does not parse or violates the image spec (or declares a size other than the stored blob).',
  ManifestNotFound: 'No manifest under that tag or digest in the repository (or none of an acceptable media type).',
  ManifestBlobUnknown: 'A manifest references blobs or child manifests the repository does not have.',
  ManifestTooLarge: 'A manifest body is larger than Berth accepts (4 MiB).',
  TagInvalid: 'A tag outside the tag grammar.',
  ImageTagAlreadyExists: 'A push would move an immutable tag to another image.',
  ImageAlreadyExists: 'PutImage with an image (and tag) the repository already holds.',
  ImageArchived: 'The image is archived or being restored, so it cannot be pulled or scanned.',
  ImageNotFound: 'No image with that digest or tag in the repository (ECR image operations).',
  ImageReferencedByManifestList: 'The image cannot be deleted while an index in the repository lists it.',
  Unsupported: 'A request for something Berth does not support (e.g. Docker schema1 manifests).',
  TooManyTags: 'A repository would carry more resource tags than allowed (50).',
  InvalidTagParameter: 'A resource tag key or value is malformed or reserved (aws:).',
  LayersNotFound: 'ECR: a layer is not in the repository (GetDownloadUrlForLayer, PutImage).',
  LayerInaccessible: 'ECR: the layer is in the repository but no image references it.',
  LayerAlreadyExists: 'ECR: CompleteLayerUpload of a layer the repository has already.',
  EmptyUpload: 'ECR: CompleteLayerUpload of an upload that received no parts.',
  InvalidLayer: 'ECR: the uploaded bytes do not hash to the digest CompleteLayerUpload named.',
  InvalidLayerPart: 'ECR: UploadLayerPart does not continue the bytes already received.',
  ImageDigestDoesNotMatch: "ECR: PutImage's imageDigest is not the digest of the manifest sent.",
  ReferencedImagesNotFound: 'ECR: PutImage of an index whose child manifests are not in the repository.',
} as const;

export type RegistryErrorCode = keyof typeof REGISTRY_ERRORS;

export function nameInvalid(name: string): DomainError {
  const shown = name.slice(0, 300);
  return new DomainError('NameInvalid', `invalid repository name "${shown}"`, { name: shown });
}

export function tagInvalid(tag: string): DomainError {
  const shown = tag.slice(0, 200);
  return new DomainError('TagInvalid', `invalid tag "${shown}"`, { tag: shown });
}

/** `message` says what is wrong with the digest; `digest` is the one the request named, if any. */
export function digestInvalid(message: string, digest?: string): DomainError {
  return new DomainError('DigestInvalid', message, digest === undefined ? undefined : { digest });
}

/** ECR's wording (RepositoryNotFoundException), which the /v2 API answers with too. */
export function repositoryNotFound(key: RepositoryKey): DomainError {
  return new DomainError(
    'RepositoryNotFound',
    `The repository with name '${key.name}' does not exist in the registry with id '${key.accountId}'`,
    { name: key.name },
  );
}

/** ECR's wording (RepositoryAlreadyExistsException). */
export function repositoryAlreadyExists(key: RepositoryKey): DomainError {
  return new DomainError('RepositoryAlreadyExists', `The repository with name '${key.name}' already exists in the registry with id '${key.accountId}'`);
}

/** No manifest under `reference` (a tag or a digest, as the request named it). */
export function manifestNotFound(key: RepositoryKey, reference: string): DomainError {
  const shown = reference.slice(0, 200);
  return new DomainError('ManifestNotFound', `manifest ${shown} is not in repository ${key.name}`, { reference: shown });
}

/** The manifest exists, but the request's Accept header excludes its media type (Berth does not convert). */
export function manifestNotAcceptable(reference: string, mediaType: string): DomainError {
  return new DomainError(
    'ManifestNotFound',
    `manifest ${reference} has media type ${mediaType}, which the request's Accept header does not allow`,
    { reference, mediaType },
  );
}

export function manifestInvalid(message: string, detail?: Record<string, unknown>): DomainError {
  return new DomainError('ManifestInvalid', message, detail);
}

/** `size` when known (a body read whole); a stream cut off at the limit has none. */
export function manifestTooLarge(limit: number, size?: number): DomainError {
  return new DomainError('ManifestTooLarge', `manifest exceeds ${limit} bytes`, size === undefined ? undefined : { size, limit });
}

export function blobNotFound(key: RepositoryKey, digest: string): DomainError {
  return new DomainError('BlobNotFound', `blob ${digest} is not known to repository ${key.name}`, { digest });
}

/** A blob DELETE refused because `user` (a manifest of the repository, with a tag of it if any) references the blob. */
export function blobInUse(key: RepositoryKey, digest: string, user: { manifest: string; tag?: string }): DomainError {
  const named = user.tag === undefined ? `manifest ${user.manifest}` : `manifest ${user.manifest} (tag ${user.tag})`;
  return new DomainError(
    'BlobInUse',
    `blob ${digest} is not deleted: ${named} in repository ${key.name} references it; delete the image first (unreferenced blobs are removed by garbage collection)`,
    { digest, manifest: user.manifest },
  );
}

/**
 * Metadata links the blob but storage lost its file, or it was set aside (`quarantined`) as
 * damaged: reported as not found rather than served empty or wrong.
 */
export function blobMissingFromStorage(digest: string, quarantined = false): DomainError {
  const message = quarantined
    ? `blob ${digest} was found damaged and set aside; push it again`
    : `blob ${digest} is missing from storage`;
  return new DomainError('BlobNotFound', message, { digest });
}

/** Storage holds the blob's file with another size or content than recorded (`why`): damaged, so not served. */
export function blobDamaged(digest: string, why: string): DomainError {
  return new DomainError('BlobNotFound', `blob ${digest} is damaged in storage (${why}); push it again`, { digest });
}

/** `why` completes "upload <id> …". */
export function blobUploadNotFound(id: string, why = 'is unknown'): DomainError {
  const shown = id.slice(0, 64);
  return new DomainError('BlobUploadNotFound', `upload ${shown} ${why}`, { uuid: shown });
}

/**
 * A chunk that does not continue the upload. `size`, the bytes the upload holds, lets the client
 * resume (/v2 answers it as the Range header; ECR as InvalidLayerPartException's last byte).
 */
export function rangeNotSatisfiable(message: string, size?: number): DomainError {
  return new DomainError('RangeNotSatisfiable', message, size === undefined ? undefined : { size });
}

export function blobTooLarge(limit: number): DomainError {
  return new DomainError('SizeInvalid', `blob exceeds the limit of ${limit} bytes`);
}

/** ECR's rendering of an image identifier in messages: {imageDigest:'null', imageTag:'latest'}. */
export function describeImageRef(id: { digest?: string; tag?: string }): string {
  return `{imageDigest:'${id.digest ?? 'null'}', imageTag:'${id.tag ?? 'null'}'}`;
}

/** ECR's wording (ImageNotFoundException). */
export function imageNotFound(key: RepositoryKey, id: { digest?: string; tag?: string }): DomainError {
  return new DomainError(
    'ImageNotFound',
    `The image with imageId ${describeImageRef(id)} does not exist within the repository with name '${key.name}' in the registry with id '${key.accountId}'`,
  );
}

export function tooManyTags(maxTags: number): DomainError {
  return new DomainError('TooManyTags', `A repository can have at most ${maxTags} tags`, { maxTags });
}
