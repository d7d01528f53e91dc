/** SetRepositoryPolicy, GetRepositoryPolicy, DeleteRepositoryPolicy, PutRegistryPolicy, GetRegistryPolicy, DeleteRegistryPolicy. */
import type { ResourcePolicies } from '../../../iam/resource-policies.js';
import { defineOperation } from '../operation.js';
import { repositoryKey } from './wire.js';

const setRepositoryPolicy = (policies: ResourcePolicies) =>
  defineOperation({
    name: 'SetRepositoryPolicy',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      await policies.setRepositoryPolicy(key, input.policyText, { principal: ctx.principal, force: input.force ?? false });
      ctx.log.info({ account: key.accountId, repository: key.name }, 'repository policy set');
      return { registryId: key.accountId, repositoryName: key.name, policyText: input.policyText };
    },
  });

const getRepositoryPolicy = (policies: ResourcePolicies) =>
  defineOperation({
    name: 'GetRepositoryPolicy',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      return { registryId: key.accountId, repositoryName: key.name, policyText: await policies.getRepositoryPolicy(key) };
    },
  });

const deleteRepositoryPolicy = (policies: ResourcePolicies) =>
  defineOperation({
    name: 'DeleteRepositoryPolicy',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      const policyText = await policies.deleteRepositoryPolicy(key);
      ctx.log.info({ account: key.accountId, repository: key.name }, 'repository policy deleted');
      return { registryId: key.accountId, repositoryName: key.name, policyText };
    },
  });

const putRegistryPolicy = (policies: ResourcePolicies) =>
  defineOperation({
    name: 'PutRegistryPolicy',
    handler: async (input, ctx) => {
      await policies.putRegistryPolicy(ctx.accountId, input.policyText);
      ctx.log.info({ account: ctx.accountId }, 'registry policy set');
      return { registryId: ctx.accountId, policyText: input.policyText };
    },
  });

const getRegistryPolicy = (policies: ResourcePolicies) =>
  defineOperation({
    name: 'GetRegistryPolicy',
    handler: async (_input, ctx) => ({ registryId: ctx.accountId, policyText: await policies.getRegistryPolicy(ctx.accountId) }),
  });

const deleteRegistryPolicy = (policies: ResourcePolicies) =>
  defineOperation({
    name: 'DeleteRegistryPolicy',
    handler: async (_input, ctx) => {
      const policyText = await policies.deleteRegistryPolicy(ctx.accountId);
      ctx.log.info({ account: ctx.accountId }, 'registry policy deleted');
      return { registryId: ctx.accountId, policyText };
    },
  });

export const policyOperations = (policies: ResourcePolicies) => [
  setRepositoryPolicy(policies),
  getRepositoryPolicy(policies),
  deleteRepositoryPolicy(policies),
  putRegistryPolicy(policies),
  getRegistryPolicy(policies),
  deleteRegistryPolicy(policies),
];
