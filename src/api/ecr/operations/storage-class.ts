import { actorOf } from '../../../audit/actor.js';
/** UpdateImageStorageClass: archive an image or restore an archived one (see src/lifecycle/archive.ts). */
import { invalidParameter } from '../../../domain/errors.js';
import type { ImageArchiveService } from '../../../lifecycle/archive.js';
import { defineOperation } from '../operation.js';
import { checkImageId, isFailure } from './image-ids.js';
import { repositoryKey } from './wire.js';

export const updateImageStorageClass = (archive: ImageArchiveService) =>
  defineOperation({
    name: 'UpdateImageStorageClass',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      const checked = checkImageId(input.imageId);
      if (isFailure(checked)) throw invalidParameter('imageId', checked.failureReason ?? 'invalid image id');
      const { digest, status } = await archive.updateStorageClass(key, checked, input.targetStorageClass, actorOf(ctx.principal));
      ctx.log.info({ account: key.accountId, repository: key.name, digest, imageStatus: status }, 'image storage class updated');
      return {
        registryId: key.accountId,
        repositoryName: key.name,
        imageId: { imageDigest: digest, ...(checked.tag !== undefined && { imageTag: checked.tag }) },
        imageStatus: status,
      };
    },
  });
