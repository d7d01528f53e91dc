/** DescribeRegistry. */
import { defineOperation } from '../operation.js';

export const describeRegistry = () =>
  defineOperation({
    name: 'DescribeRegistry',
    // Berth does not replicate images; ECR answers a registry without replication rules with none.
    handler: async (_input, ctx) => ({ registryId: ctx.accountId, replicationConfiguration: { rules: [] } }),
  });
