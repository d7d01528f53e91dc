/**
 * Cross-account access needs both sides: the caller's identity policy and a resource-side Allow
 * (the repository policy, or the registry policy in scope V2). A registry-policy Deny overrides
 * identity Allows inside the account too; scope V1 limits the registry policy to replication.
 */
import { BatchGetImageCommand, PutAccountSettingCommand, PutRegistryPolicyCommand, SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_A, ACCOUNT_B, ALLOW_ALL_ECR, READ_ONLY, REGION, ROOT_KEY, useBerth, type Credentials } from './harness.js';
import { pushImage, type PushedImage } from './images.js';

const berth = useBerth();
const hostOfA = `${ACCOUNT_A}.dkr.ecr.${REGION}.registry.test`;

const pullPolicyFor = (principal: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Pull', Effect: 'Allow', Principal: { AWS: principal }, Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] }],
  });

async function batchGet(credentials: Credentials, repositoryName: string, tag: string): Promise<string> {
  const client = berth().ecr(credentials);
  try {
    const out = await client.send(new BatchGetImageCommand({ registryId: ACCOUNT_A, repositoryName, imageIds: [{ imageTag: tag }] }));
    return out.images?.length === 1 ? 'allowed' : `unexpected: ${JSON.stringify(out.failures)}`;
  } catch (err) {
    return (err as Error).name;
  } finally {
    client.destroy();
  }
}

async function asRoot<T>(fn: (client: ReturnType<TestBerthEcr>) => Promise<T>): Promise<T> {
  const client = berth().ecr(ROOT_KEY);
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}
type TestBerthEcr = ReturnType<typeof berth>['ecr'];

let image: PushedImage;
let privateImage: PushedImage;
let userB: Credentials & { arn: string };
let bareUserB: Credentials & { arn: string };

beforeAll(async () => {
  image = await pushImage(berth(), await berth().login(ROOT_KEY), 'shared/app');
  privateImage = await pushImage(berth(), await berth().login(ROOT_KEY), 'private/app');
  userB = await berth().user(ACCOUNT_B, 'puller', { ro: READ_ONLY });
  bareUserB = await berth().user(ACCOUNT_B, 'no-policy');
});

describe('cross-account with a repository policy', () => {
  it('is refused while only the caller side allows', async () => {
    expect(await batchGet(userB, 'shared/app', image.tag)).toBe('AccessDeniedException');
  });

  it('is refused while only the repository side allows', async () => {
    await asRoot((c) => c.send(new SetRepositoryPolicyCommand({ repositoryName: 'shared/app', policyText: pullPolicyFor(`arn:aws:iam::${ACCOUNT_B}:root`) })));
    expect(await batchGet(bareUserB, 'shared/app', image.tag)).toBe('AccessDeniedException');
  });

  it('is allowed when both sides allow, on the ECR API and on /v2', async () => {
    expect(await batchGet(userB, 'shared/app', image.tag)).toBe('allowed');
    const auth = await berth().login(userB);
    expect((await berth().v2('GET', `/v2/shared/app/manifests/${image.tag}`, { auth, host: hostOfA })).status).toBe(200);
    expect((await berth().v2('GET', `/v2/shared/app/blobs/${image.layerDigest}`, { auth, host: hostOfA })).status).toBe(200);
    // The policy grants pulls only: pushing into A's repository stays refused.
    expect((await berth().v2('POST', '/v2/shared/app/blobs/uploads/', { auth, host: hostOfA })).status).toBe(403);
    // And the other repository has no policy.
    expect((await berth().v2('GET', `/v2/private/app/manifests/${image.tag}`, { auth, host: hostOfA })).status).toBe(403);
  });

  it("lets another account's root in on the repository policy alone (a root needs no identity policy)", async () => {
    const rootB = await berth().rootOf(ACCOUNT_B);
    expect(await batchGet(rootB, 'shared/app', image.tag)).toBe('allowed');
  });
});

describe('registry policy (scope V2)', () => {
  it("grants another account's users pulls from every repository, with their identity policy", async () => {
    expect(await batchGet(userB, 'private/app', image.tag)).toBe('AccessDeniedException');
    const registryPolicy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'PullFromB',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT_B}:root` },
          Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          Resource: `arn:aws:ecr:${REGION}:${ACCOUNT_A}:repository/*`,
        },
      ],
    };
    await asRoot((c) => c.send(new PutRegistryPolicyCommand({ policyText: JSON.stringify(registryPolicy) })));
    expect(await batchGet(userB, 'private/app', image.tag)).toBe('allowed');
    expect(await batchGet(bareUserB, 'private/app', image.tag)).toBe('AccessDeniedException');
  });

  it('stops applying to pulls in scope V1, which covers only replication and repository creation', async () => {
    await asRoot((c) => c.send(new PutAccountSettingCommand({ name: 'REGISTRY_POLICY_SCOPE', value: 'V1' })));
    expect(await batchGet(userB, 'private/app', image.tag)).toBe('AccessDeniedException');
    await asRoot((c) => c.send(new PutAccountSettingCommand({ name: 'REGISTRY_POLICY_SCOPE', value: 'V2' })));
    expect(await batchGet(userB, 'private/app', image.tag)).toBe('allowed');
  });

  it("denies inside the account too: a registry-policy Deny beats a user's identity Allow", async () => {
    const admin = await berth().user(ACCOUNT_A, 'admin-a', { all: ALLOW_ALL_ECR });
    const auth = await berth().login(admin);
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'NoDeletes', Effect: 'Deny', Principal: '*', Action: 'ecr:BatchDeleteImage', Resource: '*' }],
    };
    await asRoot((c) => c.send(new PutRegistryPolicyCommand({ policyText: JSON.stringify(policy) })));
    const res = await berth().v2('DELETE', `/v2/private/app/manifests/${privateImage.digest}`, { auth });
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({ errors: [{ code: 'DENIED', message: expect.stringContaining('explicit deny in a resource-based policy') }] });
    // The root is stopped by it as well: it is the account's own resource policy.
    const rootAuth = await berth().login(ROOT_KEY);
    expect((await berth().v2('DELETE', `/v2/private/app/manifests/${privateImage.digest}`, { auth: rootAuth })).status).toBe(403);
    await berth().app.iam.policies.deleteRegistryPolicy(ACCOUNT_A);
    expect((await berth().v2('DELETE', `/v2/private/app/manifests/${privateImage.digest}`, { auth })).status).toBe(202);
  });
});
