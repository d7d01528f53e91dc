/** TagResource, UntagResource, ListTagsForResource: resource tags on repositories, by ARN. */
import { invalidParameter } from '../../../domain/errors.js';
import { type RepositoryKey, isValidRepositoryName } from '../../../domain/reference.js';
import type { Registry } from '../../../registry/index.js';
import { defineOperation } from '../operation.js';
import type { OperationContext } from '../operation.js';
import { parseRepositoryArn } from '../resources.js';

/** The repository an ARN names, in this deployment's region; its account may be another's. */
function repositoryOf(arn: string, ctx: OperationContext): RepositoryKey {
  const parsed = parseRepositoryArn(arn);
  if (
    parsed &&
    parsed.region === ctx.region &&
    isValidRepositoryName(parsed.repositoryName) &&
    arn === ctx.resources.repositoryArn(parsed.repositoryName, parsed.accountId)
  ) {
    return { accountId: parsed.accountId, name: parsed.repositoryName };
  }
  throw invalidParameter('resourceArn', `Invalid ARN: expected arn:aws:ecr:${ctx.region}:<account>:repository/<name>`);
}

export const tagResource = (registry: Registry) =>
  defineOperation({
    name: 'TagResource',
    handler: async (input, ctx) => {
      await registry.repositoryTags.tag(
        repositoryOf(input.resourceArn, ctx),
        input.tags.map((t) => ({ key: t.Key, value: t.Value })),
      );
      return {};
    },
  });

export const untagResource = (registry: Registry) =>
  defineOperation({
    name: 'UntagResource',
    handler: async (input, ctx) => {
      await registry.repositoryTags.untag(repositoryOf(input.resourceArn, ctx), input.tagKeys);
      return {};
    },
  });

export const listTagsForResource = (registry: Registry) =>
  defineOperation({
    name: 'ListTagsForResource',
    handler: async (input, ctx) => {
      const tags = await registry.repositoryTags.list(repositoryOf(input.resourceArn, ctx));
      return { tags: tags.map((t) => ({ Key: t.key, Value: t.value })) };
    },
  });
