/** ListImageReferrers: the artifacts (signatures, SBOMs, ...) whose subject is an image. */
import { isValidDigest } from '../../../domain/digest.js';
import { invalidParameter } from '../../../domain/errors.js';
import type { Registry } from '../../../registry/index.js';
import type { ImageReferrer } from '../model/types.js';
import { defineOperation } from '../operation.js';
import { repositoryKey } from './wire.js';

export const listImageReferrers = (registry: Registry) =>
  defineOperation({
    name: 'ListImageReferrers',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      const subject = input.subjectId.imageDigest;
      if (!isValidDigest(subject)) {
        throw invalidParameter('subjectId.imageDigest', `${subject} is not a valid digest`);
      }
      // Unlike /v2 referrers, the API names a missing repository.
      await registry.repositories.get(key);
      const status = input.filter?.artifactStatus;
      // Berth has no archive tier: every artifact is ACTIVE.
      const active = status === undefined || status === 'ACTIVE' || status === 'ANY';
      const types = input.filter?.artifactTypes?.length ? new Set(input.filter.artifactTypes) : undefined;
      const all = active ? await registry.discovery.referrers(key, subject) : [];
      const selected = types ? all.filter((r) => r.artifactType !== undefined && types.has(r.artifactType)) : all;
      const page = ctx.pages.paginate(selected, (r) => r.digest, { defaultLimit: 50 });
      return {
        referrers: page.items.map(
          (r): ImageReferrer => ({
            digest: r.digest,
            mediaType: r.mediaType,
            size: r.size,
            ...(r.artifactType !== undefined && { artifactType: r.artifactType }),
            ...(r.annotations !== undefined && { annotations: r.annotations }),
            artifactStatus: 'ACTIVE',
          }),
        ),
        nextToken: page.nextToken,
      };
    },
  });
