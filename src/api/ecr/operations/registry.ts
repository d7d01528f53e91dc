/** DescribeRegistry. */
import { defineOperation } from '../operation.js';

export const describeRegistry = () =>
  defineOperation({
    name: 'DescribeRegistry',
    // Replication is not configured yet; ECR answers an unconfigured registry with no rules.
    handler: async (_input, ctx) => ({ registryId: ctx.accountId, replicationConfiguration: { rules: [] } }),
  });
