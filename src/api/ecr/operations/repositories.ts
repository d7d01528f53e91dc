/** CreateRepository, DescribeRepositories, DeleteRepository, PutImageTagMutability. */
import { actorOf } from '../../../audit/actor.js';
import { invalidParameter, repositoryNotFound } from '../../../domain/errors.js';
import type { RepositorySettings } from '../../../metadata/registry-store.js';
import type { Registry } from '../../../registry/index.js';
import { checkTags } from '../../../registry/repository-tags.js';
import { defineOperation } from '../operation.js';
import type { EncryptionConfiguration } from '../model/types.js';
import { mutabilitySettings } from './mutability.js';
import { repositoryKey, toWireRepository } from './wire.js';

export const createRepository = (registry: Registry) =>
  defineOperation({
    name: 'CreateRepository',
    handler: async (input, ctx) => {
      const tags = input.tags?.map((t) => ({ key: t.Key, value: t.Value }));
      if (tags) checkTags(tags);
      const mutability = input.imageTagMutability ?? (input.imageTagMutabilityExclusionFilters ? 'MUTABLE' : undefined);
      const settings: Partial<RepositorySettings> = {
        ...(mutability && mutabilitySettings(mutability, input.imageTagMutabilityExclusionFilters)),
        ...(input.imageScanningConfiguration?.scanOnPush !== undefined && { scanOnPush: input.imageScanningConfiguration.scanOnPush }),
        ...(input.encryptionConfiguration && encryption(input.encryptionConfiguration)),
      };
      const record = await registry.repositories.create(repositoryKey(ctx, input.repositoryName), actorOf(ctx.principal), settings, tags);
      ctx.log.info({ account: record.accountId, repository: record.name }, 'repository created');
      return { repository: toWireRepository(record, ctx) };
    },
  });

export const describeRepositories = (registry: Registry) =>
  defineOperation({
    name: 'DescribeRepositories',
    handler: async (input, ctx) => {
      if (input.repositoryNames) {
        // As ECR documents: named repositories come back in one response, and every one must exist.
        if (input.maxResults !== undefined || input.nextToken !== undefined) {
          throw invalidParameter('maxResults', 'maxResults and nextToken cannot be used with repositoryNames');
        }
        const repositories = [];
        for (const name of new Set(input.repositoryNames)) {
          const record = await registry.repositories.find(repositoryKey(ctx, name));
          if (!record) throw repositoryNotFound(repositoryKey(ctx, name));
          repositories.push(toWireRepository(record, ctx));
        }
        return { repositories };
      }
      const { limit, after } = ctx.pages.request<string>();
      const page = await registry.repositories.list(ctx.accountId, { after, limit });
      return { repositories: page.items.map((r) => toWireRepository(r, ctx)), nextToken: ctx.pages.nextToken(page.next) };
    },
  });

export const deleteRepository = (registry: Registry) =>
  defineOperation({
    name: 'DeleteRepository',
    handler: async (input, ctx) => {
      const record = await registry.repositories.delete(repositoryKey(ctx, input.repositoryName), input.force ?? false, actorOf(ctx.principal));
      ctx.log.info({ account: record.accountId, repository: record.name, force: input.force ?? false }, 'repository deleted');
      return { repository: toWireRepository(record, ctx) };
    },
  });

export const putImageTagMutability = (registry: Registry) =>
  defineOperation({
    name: 'PutImageTagMutability',
    handler: async (input, ctx) => {
      const settings = mutabilitySettings(input.imageTagMutability, input.imageTagMutabilityExclusionFilters);
      const record = await registry.repositories.update(repositoryKey(ctx, input.repositoryName), settings);
      return {
        registryId: record.accountId,
        repositoryName: record.name,
        imageTagMutability: record.imageTagMutability,
        ...(record.imageTagMutabilityExclusionFilters.length > 0 && { imageTagMutabilityExclusionFilters: record.imageTagMutabilityExclusionFilters }),
      };
    },
  });

function encryption(config: EncryptionConfiguration): Pick<RepositorySettings, 'encryptionType' | 'kmsKey'> {
  if (config.kmsKey !== undefined && config.encryptionType === 'AES256') {
    throw invalidParameter('encryptionConfiguration.kmsKey', 'kmsKey can only be specified with KMS or KMS_DSSE encryption');
  }
  return { encryptionType: config.encryptionType, ...(config.kmsKey !== undefined && { kmsKey: config.kmsKey }) };
}
