/** PutImage: the same ManifestService.put as PUT /v2/<name>/manifests/<ref>, in ECR's terms. */
import { actorOf } from '../../../audit/actor.js';
import { digestOf, parseDigest } from '../../../domain/digest.js';
import { DomainError, isDomainError, manifestInvalid } from '../../../domain/errors.js';
import type { RepositoryKey } from '../../../domain/reference.js';
import { parseManifest } from '../../../domain/manifest/parse.js';
import type { Registry } from '../../../registry/index.js';
import type { PutManifestOutcome } from '../../../registry/manifests.js';
import { defineOperation } from '../operation.js';
import { repositoryKey } from './wire.js';

/** In unicode mode a surrogate pair is one code point, so this matches only halves of none. */
const UNPAIRED_SURROGATE = /[\uD800-\uDFFF]/u;

export const putImage = (registry: Registry) =>
  defineOperation({
    name: 'PutImage',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      // The API does not create repositories on push (only /v2 pushes may, when configured).
      await registry.repositories.get(key);
      // Unpaired surrogates (a JSON "\ud800") have no UTF-8 form: encoding would replace them, and
      // the stored bytes would differ from the manifest the client sent and digested.
      if (UNPAIRED_SURROGATE.test(input.imageManifest)) throw manifestInvalid('imageManifest is not valid Unicode text (an unpaired surrogate)');
      const content = Buffer.from(input.imageManifest, 'utf8');
      if (input.imageDigest !== undefined) {
        const actual = digestOf(content, parseDigest(input.imageDigest).algorithm);
        if (actual !== input.imageDigest) {
          throw new DomainError('ImageDigestDoesNotMatch', `The provided image digest '${input.imageDigest}' does not match the digest of the manifest, '${actual}'`);
        }
      }
      const outcome = await put(registry, key, {
        reference: input.imageTag ?? input.imageDigest ?? digestOf(content),
        content,
        contentType: input.imageManifestMediaType,
        actor: actorOf(ctx.principal),
      });
      if (!outcome.created && !outcome.tagChanged) {
        throw new DomainError(
          'ImageAlreadyExists',
          `Image with digest '${outcome.digest}'${input.imageTag !== undefined ? ` and tag '${input.imageTag}'` : ''} already exists in the repository with name '${key.name}' in registry with id '${key.accountId}'`,
        );
      }
      return {
        image: {
          registryId: key.accountId,
          repositoryName: key.name,
          imageId: { imageDigest: outcome.digest, ...(input.imageTag !== undefined && { imageTag: input.imageTag }) },
          imageManifest: input.imageManifest,
          imageManifestMediaType: outcome.mediaType,
        },
      };
    },
  });

async function put(registry: Registry, key: RepositoryKey, command: Parameters<Registry['manifests']['put']>[1]): Promise<PutManifestOutcome> {
  try {
    return await registry.manifests.put(key, command);
  } catch (err) {
    if (!isDomainError(err, 'ManifestBlobUnknown')) throw err;
    // An index misses child manifests, an image manifest misses blobs: ECR names them differently.
    const missing = Array.isArray(err.detail?.digests) ? (err.detail.digests as string[]).join(', ') : '';
    const where = `repository with name '${key.name}' in the registry with id '${key.accountId}'`;
    if (parseManifest(command.content, command.contentType).kind === 'index') {
      throw new DomainError('ReferencedImagesNotFound', `Images with digests '[${missing}]' referenced by the manifest list do not exist in the ${where}`);
    }
    throw new DomainError('LayersNotFound', `Layers with digests '[${missing}]' required for pushing image into ${where} do not exist`);
  }
}
