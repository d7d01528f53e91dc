/**
 * The reported stalls, through the real API: a repository named with 256 "a"s and a repository
 * policy Deny on ".../repository/a*a*a*a*a*b" (SetRepositoryPolicy's lock-out check alone blocked
 * the event loop for 154 s, and then every request touching the repository did), and a scan filter
 * that V8 needed 51 s to reject, sent by a key without any policy.
 */
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  GetRepositoryPolicyCommand,
  PutRegistryScanningConfigurationCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_A, REGION, ROOT_KEY, useBerth } from '../iam/integration/harness.js';

const berth = useBerth();
const NAME = 'a'.repeat(256);
// Far above an in-process round trip, far below the stalls.
const BUDGET_MS = 2_000;

async function timed<T>(work: Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work;
  return { result, ms: performance.now() - start };
}

describe('reported regular-expression stalls', () => {
  it('sets a Deny on a*a*a*a*a*b over a 256-character repository name, and later requests stay fast', async () => {
    const ecr = berth().ecr(ROOT_KEY);
    try {
      await ecr.send(new CreateRepositoryCommand({ repositoryName: NAME }));
      const policyText = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Principal: '*', Action: 'ecr:*', Resource: `arn:aws:ecr:${REGION}:${ACCOUNT_A}:repository/a*a*a*a*a*b` }],
      });
      const set = await timed(ecr.send(new SetRepositoryPolicyCommand({ repositoryName: NAME, policyText })));
      expect(set.result.policyText).toBe(policyText);
      expect(set.ms).toBeLessThan(BUDGET_MS);

      const get = await timed(ecr.send(new GetRepositoryPolicyCommand({ repositoryName: NAME })));
      expect(get.ms).toBeLessThan(BUDGET_MS);
      const describe = await timed(ecr.send(new DescribeImagesCommand({ repositoryName: NAME })));
      expect(describe.result.imageDetails).toEqual([]);
      expect(describe.ms).toBeLessThan(BUDGET_MS);
      const anonymous = await timed(berth().v2('GET', `/v2/${NAME}/tags/list`));
      expect(anonymous.result.status).toBe(401);
      expect(anonymous.ms).toBeLessThan(BUDGET_MS);
    } finally {
      ecr.destroy();
    }
  });

  it('refuses a pathological scan filter from a key without policies at once', async () => {
    const ecr = berth().ecr(await berth().user(ACCOUNT_A, 'no-policies'));
    try {
      const filter = `${'a'.repeat(26)}!`;
      const put = ecr.send(
        new PutRegistryScanningConfigurationCommand({
          scanType: 'BASIC',
          rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter, filterType: 'WILDCARD' }] }],
        }),
      );
      const refused = await timed(put.then(() => undefined, (err: Error) => err));
      expect(refused.result).toMatchObject({ name: 'InvalidParameterException' });
      expect(refused.result?.message).toContain('satisfy regular expression');
      expect(refused.ms).toBeLessThan(BUDGET_MS);
    } finally {
      ecr.destroy();
    }
  });
});
