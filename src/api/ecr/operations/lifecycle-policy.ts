/** PutLifecyclePolicy, GetLifecyclePolicy, DeleteLifecyclePolicy. */
import type { LifecyclePolicyService } from '../../../lifecycle/policies.js';
import type { LifecyclePolicyRecord } from '../../../metadata/lifecycle-store.js';
import { defineOperation } from '../operation.js';
import { repositoryKey } from './wire.js';

/**
 * ECR reports lastEvaluatedAt as 0 (the epoch) for a policy no run has evaluated yet; its
 * CloudTrail lifecycle events carry `"lastEvaluatedAt": 0` for such policies.
 */
const NEVER = new Date(0);

const evaluatedAt = (policy: LifecyclePolicyRecord): Date => policy.lastEvaluatedAt ?? NEVER;

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
      return { registryId: key.accountId, repositoryName: key.name, lifecyclePolicyText: policy.text, lastEvaluatedAt: evaluatedAt(policy) };
    },
  });

export const deleteLifecyclePolicy = (policies: LifecyclePolicyService) =>
  defineOperation({
    name: 'DeleteLifecyclePolicy',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      const policy = await policies.delete(key);
      ctx.log.info({ account: key.accountId, repository: key.name }, 'lifecycle policy deleted');
      return { registryId: key.accountId, repositoryName: key.name, lifecyclePolicyText: policy.text, lastEvaluatedAt: evaluatedAt(policy) };
    },
  });
