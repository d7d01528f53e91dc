/** StartLifecyclePolicyPreview and GetLifecyclePolicyPreview. */
import { invalidParameter } from '../../../domain/errors.js';
import type { LifecyclePreviewService } from '../../../lifecycle/previews.js';
import type { LifecyclePreviewRecord, LifecyclePreviewResultRecord } from '../../../metadata/lifecycle-store.js';
import type { ImageIdentifier, LifecyclePolicyPreviewResult, LifecyclePolicyPreviewSummary } from '../model/types.js';
import { defineOperation } from '../operation.js';
import { checkImageId, isFailure } from './image-ids.js';
import { repositoryKey } from './wire.js';

export const startLifecyclePolicyPreview = (previews: LifecyclePreviewService) =>
  defineOperation({
    name: 'StartLifecyclePolicyPreview',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      const preview = await previews.start(key, input.lifecyclePolicyText);
      ctx.log.info({ account: key.accountId, repository: key.name, previewId: preview.id }, 'lifecycle policy preview started');
      return { registryId: key.accountId, repositoryName: key.name, lifecyclePolicyText: preview.text, status: preview.status };
    },
  });

/**
 * Results come in evaluation order (oldest image first), 100 per page unless maxResults says
 * otherwise; `filter.tagStatus` and `imageIds` narrow them, while `summary` always counts the whole
 * preview. Until the preview is COMPLETE the answer has its status and no results.
 */
export const getLifecyclePolicyPreview = (previews: LifecyclePreviewService) =>
  defineOperation({
    name: 'GetLifecyclePolicyPreview',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      let named: { digests: string[]; tags: string[] } | undefined;
      let after: number | undefined;
      let limit: number;
      if (input.imageIds) {
        if (input.maxResults !== undefined || input.nextToken !== undefined) {
          throw invalidParameter('maxResults', 'maxResults and nextToken cannot be used with imageIds');
        }
        named = namedImages(input.imageIds);
        limit = 1000;
      } else {
        ({ limit, after } = ctx.pages.request<number>());
      }
      const page = await previews.get(key, { tagStatus: input.filter?.tagStatus, ...named, after, limit });
      return {
        registryId: key.accountId,
        repositoryName: key.name,
        lifecyclePolicyText: page.preview.text,
        status: page.preview.status,
        previewResults: page.results.map(toWireResult),
        ...(page.preview.status === 'COMPLETE' && { summary: toWireSummary(page.preview) }),
        nextToken: named ? undefined : ctx.pages.nextToken(page.next),
      };
    },
  });

function namedImages(ids: readonly ImageIdentifier[]): { digests: string[]; tags: string[] } {
  const digests: string[] = [];
  const tags: string[] = [];
  for (const id of ids) {
    const checked = checkImageId(id);
    if (isFailure(checked)) throw invalidParameter('imageIds', checked.failureReason ?? 'invalid image id');
    if (checked.digest !== undefined) digests.push(checked.digest);
    else tags.push(checked.tag);
  }
  return { digests, tags };
}

function toWireResult(result: LifecyclePreviewResultRecord): LifecyclePolicyPreviewResult {
  return {
    ...(result.imageTags.length > 0 && { imageTags: [...result.imageTags] }),
    imageDigest: result.imageDigest,
    imagePushedAt: result.imagePushedAt,
    action: result.action === 'EXPIRE' ? { type: 'EXPIRE' } : { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' },
    appliedRulePriority: result.appliedRulePriority,
    storageClass: result.storageClass,
  };
}

/** transitioningImageTotalCounts appears only when some image transitions, as in ECR. */
function toWireSummary(preview: LifecyclePreviewRecord): LifecyclePolicyPreviewSummary {
  const transitioning = preview.transitioningCount ?? 0;
  return {
    expiringImageTotalCount: preview.expiringCount ?? 0,
    ...(transitioning > 0 && { transitioningImageTotalCounts: [{ targetStorageClass: 'ARCHIVE', imageTotalCount: transitioning }] }),
  };
}
