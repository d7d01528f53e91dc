/** BatchGetImage and BatchDeleteImage: per-image results, per-image failures. */
import { isUtf8 } from 'node:buffer';
import { actorOf } from '../../../audit/actor.js';
import { isDomainError } from '../../../domain/errors.js';
import type { RepositoryKey } from '../../../domain/reference.js';
import type { Registry } from '../../../registry/index.js';
import type { Image, ImageFailure, ImageIdentifier } from '../model/types.js';
import { defineOperation } from '../operation.js';
import { type CheckedImageId, checkImageId, imageFailure, isFailure } from './image-ids.js';
import { repositoryKey } from './wire.js';

export const batchGetImage = (registry: Registry) =>
  defineOperation({
    name: 'BatchGetImage',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      await registry.repositories.get(key);
      const images: Image[] = [];
      const failures: ImageFailure[] = [];
      for await (const { id, checked } of usableIds(registry, key, input.imageIds, failures)) {
        try {
          // A pull like GET /v2/.../manifests/<ref>: recorded for lastRecordedPullTime.
          const manifest = await registry.manifests.get(key, checked.digest ?? checked.tag, input.acceptedMediaTypes, true);
          if (!isUtf8(manifest.content)) {
            // Stored before such manifests were refused: as text it would come back altered (U+FFFD)
            // and no longer hash to its digest, so it is not returned as text at all.
            failures.push(imageFailure(id, 'ImageInaccessible', 'The stored manifest is not valid UTF-8 and cannot be returned as text; pull it by digest through the /v2 API'));
            continue;
          }
          images.push({
            registryId: key.accountId,
            repositoryName: key.name,
            imageId: { imageDigest: manifest.digest, ...(checked.tag !== undefined && { imageTag: checked.tag }) },
            imageManifest: manifest.content.toString('utf8'),
            imageManifestMediaType: manifest.mediaType,
          });
        } catch (err) {
          if (isDomainError(err, 'ImageArchived')) {
            // Not pullable until restored; ECR's pulls of archived images fail as not found (404).
            failures.push(imageFailure(id, 'ImageNotFound', archivedReason(err.detail?.imageStatus)));
            continue;
          }
          if (!isDomainError(err, 'ManifestNotFound')) throw err;
          // Berth does not convert between manifest formats, so an unaccepted type is not found.
          const mediaType = err.detail?.mediaType;
          failures.push(
            imageFailure(id, 'ImageNotFound', typeof mediaType === 'string' ? `Requested image's media type ${mediaType} is not among the acceptedMediaTypes` : undefined),
          );
        }
      }
      return { images, failures };
    },
  });

/**
 * ECR semantics: a digest deletes the image and all its tags; a tag removes that tag, and the image
 * too when it was the image's last tag. An image an index lists cannot be deleted by digest.
 */
export const batchDeleteImage = (registry: Registry) =>
  defineOperation({
    name: 'BatchDeleteImage',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      await registry.repositories.get(key);
      const imageIds: ImageIdentifier[] = [];
      const failures: ImageFailure[] = [];
      for await (const { id, checked } of usableIds(registry, key, input.imageIds, failures)) {
        const { digest, tag } = checked;
        if (tag !== undefined) {
          const result = await registry.images.untag(key, tag, actorOf(ctx.principal));
          if (result) imageIds.push({ imageDigest: result.digest, imageTag: tag });
          else failures.push(imageFailure(id, 'ImageNotFound'));
          continue;
        }
        if (digest === undefined) continue; // checkImageId gives a tag or a digest
        try {
          const deleted = await registry.manifests.delete(key, digest, { actor: actorOf(ctx.principal) });
          if (deleted.tags.length === 0) imageIds.push({ imageDigest: deleted.digest });
          for (const tag of deleted.tags) imageIds.push({ imageDigest: deleted.digest, imageTag: tag });
        } catch (err) {
          if (isDomainError(err, 'ManifestNotFound')) failures.push(imageFailure(id, 'ImageNotFound'));
          else if (isDomainError(err, 'ImageReferencedByManifestList')) {
            failures.push(imageFailure(id, 'ImageReferencedByManifestList', `Requested image referenced by manifest list: [${String(err.detail?.index)}]`));
          } else throw err;
        }
      }
      if (imageIds.length > 0) ctx.log.info({ account: key.accountId, repository: key.name, deleted: imageIds.length }, 'images deleted');
      return { imageIds, failures };
    },
  });

function archivedReason(status: unknown): string {
  return status === 'ACTIVATING'
    ? 'Requested image is being restored from the archive and cannot be pulled until the restore completes'
    : 'Requested image is archived; restore it with UpdateImageStorageClass before pulling it';
}

/**
 * The identifiers a batch can act on, each once; the malformed ones, and those whose tag does not
 * point at the digest they also name, go to `failures` instead.
 */
async function* usableIds(
  registry: Registry,
  key: RepositoryKey,
  ids: readonly ImageIdentifier[],
  failures: ImageFailure[],
): AsyncGenerator<{ id: ImageIdentifier; checked: CheckedImageId }> {
  // A generator, so failures and the caller's own results keep the order of the request.
  for (const id of unique(ids)) {
    const checked = checkImageId(id);
    const failure = isFailure(checked) ? checked : await tagMismatch(registry, key, id, checked);
    if (failure) failures.push(failure);
    else yield { id, checked: checked as CheckedImageId };
  }
}

/** With both a tag and a digest, the tag must point at the digest. */
async function tagMismatch(registry: Registry, key: RepositoryKey, id: ImageIdentifier, checked: CheckedImageId): Promise<ImageFailure | undefined> {
  if (checked.digest === undefined || checked.tag === undefined) return undefined;
  const resolved = await registry.images.resolveTag(key, checked.tag);
  if (resolved === undefined) return imageFailure(id, 'ImageNotFound');
  return resolved === checked.digest ? undefined : imageFailure(id, 'ImageTagDoesNotMatchDigest');
}

/** Each identifier once (a repeated one would otherwise fail as not found after its first deletion). */
function unique(ids: readonly ImageIdentifier[]): ImageIdentifier[] {
  const seen = new Set<string>();
  return ids.filter((id) => {
    const k = `${id.imageDigest ?? ''}\n${id.imageTag ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
