/** PutLifecyclePolicy, GetLifecyclePolicy, DeleteLifecyclePolicy. */
import type { LifecyclePolicyService } from '../../../lifecycle/policies.js';
import type { LifecyclePolicyRecord } from '../../../metadata/lifecycle-store.js';
import { defineOperation } from '../operation.js';
import { repositoryKey } from './wire.js';

/**
 * `lastEvaluatedAt` only once a lifecycle run has evaluated the policy: a never-evaluated policy
 * leaves the member out (the aws CLI would otherwise show 1970-01-01 as an evaluation time).
 */
const evaluatedAt = (policy: LifecyclePolicyRecord): { lastEvaluatedAt?: Date } =>
  policy.lastEvaluatedAt ? { lastEvaluatedAt: policy.lastEvaluatedAt } : {};

export const putLifecyclePolicy = (policies: LifecyclePolicyService) =>
  defineOperation({
    name: 'PutLifecyclePolicy',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      const policy = await policies.put(key, input.lifecyclePolicyText);
      ctx.log.info({ account: key.accountId, repository: key.name }, 'lifecycle policy set');
      return { registryId: key.accountId, repositoryName: key.name, lifecyclePolicyText: policy.text };
    },
  });

export const getLifecyclePolicy = (policies: LifecyclePolicyService) =>
  defineOperation({
    name: 'GetLifecyclePolicy',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      const policy = await policies.get(key);
      return { registryId: key.accountId, repositoryName: key.name, lifecyclePolicyText: policy.text, ...evaluatedAt(policy) };
    },
  });

export const deleteLifecyclePolicy = (policies: LifecyclePolicyService) =>
  defineOperation({
    name: 'DeleteLifecyclePolicy',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      const policy = await policies.delete(key);
      ctx.log.info({ account: key.accountId, repository: key.name }, 'lifecycle policy deleted');
      return { registryId: key.accountId, repositoryName: key.name, lifecyclePolicyText: policy.text, ...evaluatedAt(policy) };
    },
  });
