/**
 * The ECR API's authorization matrix: every operation below, called with no credentials, a bad
 * signature, a stale timestamp, from another account without a policy, by a user whose policy
 * explicitly denies it, and by a user allowed to. Each refusal is answered as AWS answers it and
 * leaves the account exactly as it was; the allowed call succeeds.
 */
import * as sdk from '@aws-sdk/client-ecr';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_A, ACCOUNT_B, ALLOW_ALL_ECR, REGION, ROOT_KEY, allowAllBut, useBerth, type Credentials } from './harness.js';
import { pushImage, type PushedImage } from './images.js';
import { snapshot } from './snapshot.js';

const berth = useBerth();

const HARMLESS_REPOSITORY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'ReadFromC', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::333333333333:root' }, Action: 'ecr:BatchGetImage' }],
});
const HARMLESS_REGISTRY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'C', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::333333333333:root' }, Action: 'ecr:ReplicateImage', Resource: `arn:aws:ecr:${REGION}:${ACCOUNT_A}:repository/*` },
  ],
});

interface Fixture {
  repository: string;
  image: PushedImage;
}

interface Row {
  operation: string;
  /** Registry-level operations act on the caller's own registry: no other account can be named. */
  registryLevel?: boolean;
  input(f: Fixture): Record<string, unknown>;
  /** State the allowed call needs beyond a repository holding one image. */
  prepare?(f: Fixture): Promise<void>;
}

const policies = () => berth().app.iam.policies;
const key = (f: Fixture) => ({ accountId: ACCOUNT_A, name: f.repository });

const ROWS: Row[] = [
  { operation: 'CreateRepository', input: (f) => ({ repositoryName: `${f.repository}-new`, tags: [{ Key: 'team', Value: 'a' }] }) },
  { operation: 'DescribeRepositories', input: (f) => ({ repositoryNames: [f.repository] }) },
  { operation: 'DeleteRepository', input: (f) => ({ repositoryName: f.repository, force: true }) },
  { operation: 'PutImageTagMutability', input: (f) => ({ repositoryName: f.repository, imageTagMutability: 'IMMUTABLE' }) },
  { operation: 'ListImages', input: (f) => ({ repositoryName: f.repository }) },
  { operation: 'DescribeImages', input: (f) => ({ repositoryName: f.repository }) },
  { operation: 'BatchGetImage', input: (f) => ({ repositoryName: f.repository, imageIds: [{ imageTag: f.image.tag }] }) },
  { operation: 'BatchDeleteImage', input: (f) => ({ repositoryName: f.repository, imageIds: [{ imageTag: f.image.tag }] }) },
  { operation: 'BatchCheckLayerAvailability', input: (f) => ({ repositoryName: f.repository, layerDigests: [f.image.layerDigest] }) },
  { operation: 'GetDownloadUrlForLayer', input: (f) => ({ repositoryName: f.repository, layerDigest: f.image.layerDigest }) },
  { operation: 'InitiateLayerUpload', input: (f) => ({ repositoryName: f.repository }) },
  {
    operation: 'PutImage',
    input: (f) => ({ repositoryName: f.repository, imageManifest: f.image.manifest.toString('utf8'), imageTag: 'v2' }),
  },
  {
    operation: 'TagResource',
    input: (f) => ({ resourceArn: `arn:aws:ecr:${REGION}:${ACCOUNT_A}:repository/${f.repository}`, tags: [{ Key: 'k', Value: 'v' }] }),
  },
  { operation: 'SetRepositoryPolicy', input: (f) => ({ repositoryName: f.repository, policyText: HARMLESS_REPOSITORY_POLICY }) },
  {
    operation: 'GetRepositoryPolicy',
    input: (f) => ({ repositoryName: f.repository }),
    prepare: (f) => policies().setRepositoryPolicy(key(f), HARMLESS_REPOSITORY_POLICY, { principal: { kind: 'anonymous' } }),
  },
  {
    operation: 'DeleteRepositoryPolicy',
    input: (f) => ({ repositoryName: f.repository }),
    prepare: (f) => policies().setRepositoryPolicy(key(f), HARMLESS_REPOSITORY_POLICY, { principal: { kind: 'anonymous' } }),
  },
  { operation: 'PutRegistryPolicy', registryLevel: true, input: () => ({ policyText: HARMLESS_REGISTRY_POLICY }) },
  { operation: 'GetRegistryPolicy', registryLevel: true, input: () => ({}), prepare: () => policies().putRegistryPolicy(ACCOUNT_A, HARMLESS_REGISTRY_POLICY) },
  { operation: 'DeleteRegistryPolicy', registryLevel: true, input: () => ({}), prepare: () => policies().putRegistryPolicy(ACCOUNT_A, HARMLESS_REGISTRY_POLICY) },
  { operation: 'GetAccountSetting', registryLevel: true, input: () => ({ name: 'BASIC_SCAN_TYPE_VERSION' }) },
  { operation: 'PutAccountSetting', registryLevel: true, input: () => ({ name: 'BASIC_SCAN_TYPE_VERSION', value: 'CLAIR' }) },
  { operation: 'GetAuthorizationToken', registryLevel: true, input: () => ({}) },
  { operation: 'DescribeRegistry', registryLevel: true, input: () => ({}) },
];

type CommandClass = new (input: Record<string, unknown>) => Parameters<sdk.ECRClient['send']>[0];

async function call(credentials: Credentials, operation: string, input: Record<string, unknown>, clockOffsetMs?: number): Promise<unknown> {
  const Command = (sdk as unknown as Record<string, CommandClass>)[`${operation}Command`]!;
  const client = berth().ecr(credentials, clockOffsetMs !== undefined ? { clockOffsetMs } : {});
  try {
    return await client.send(new Command(input));
  } finally {
    client.destroy();
  }
}

/** The secret with its last character changed: always a different one (a generated secret may end in any character). */
function otherSecret(secret: string): string {
  return `${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}`;
}

async function refusal(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e as sdk.ECRServiceException,
  );
  if (!err) throw new Error('the call was allowed');
  return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
}

let allowed: Credentials;
let rootB: Credentials;
const denied = new Map<string, Credentials>();

beforeAll(async () => {
  allowed = await berth().user(ACCOUNT_A, 'matrix-allowed', { all: ALLOW_ALL_ECR });
  rootB = await berth().rootOf(ACCOUNT_B);
  for (const row of ROWS) denied.set(row.operation, await berth().user(ACCOUNT_A, `deny-${row.operation}`, { p: allowAllBut(`ecr:${row.operation}`) }));
});

describe.each(ROWS)('$operation', (row) => {
  let fixture: Fixture;
  let before: unknown;

  beforeAll(async () => {
    const repository = `matrix/${row.operation.toLowerCase()}`;
    const rootAuth = await berth().login(ROOT_KEY);
    fixture = { repository, image: await pushImage(berth(), rootAuth, repository) };
    await row.prepare?.(fixture);
  });

  const unchanged = async (attempt: () => Promise<void>) => {
    before = await snapshot(berth(), ACCOUNT_A);
    await attempt();
    expect(await snapshot(berth(), ACCOUNT_A)).toEqual(before);
  };

  it('without credentials: MissingAuthenticationTokenException, nothing changed', async () => {
    await unchanged(async () => {
      const res = await fetch(`${berth().url}/`, {
        method: 'POST',
        headers: { 'x-amz-target': `AmazonEC2ContainerRegistry_V20150921.${row.operation}`, 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify(row.input(fixture)),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    });
  });

  it('with a bad signature: InvalidSignatureException, nothing changed', async () => {
    await unchanged(async () => {
      const err = await refusal(call({ ...allowed, secretAccessKey: otherSecret(allowed.secretAccessKey) }, row.operation, row.input(fixture)));
      expect(err).toMatchObject({ name: 'InvalidSignatureException', status: 400 });
      expect(err.message).toMatch(/^The request signature we calculated does not match the signature you provided/);
    });
  });

  it('with a stale timestamp: InvalidSignatureException (Signature expired), nothing changed', async () => {
    await unchanged(async () => {
      const err = await refusal(call(allowed, row.operation, row.input(fixture), -20 * 60_000));
      expect(err).toMatchObject({ name: 'InvalidSignatureException', status: 400 });
      expect(err.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    });
  });

  it.skipIf(row.registryLevel)('from another account without a policy: AccessDeniedException, nothing changed', async () => {
    await unchanged(async () => {
      const input = row.operation === 'TagResource' ? row.input(fixture) : { ...row.input(fixture), registryId: ACCOUNT_A };
      const err = await refusal(call(rootB, row.operation, input));
      expect(err).toMatchObject({ name: 'AccessDeniedException', status: 400 });
      expect(err.message).toMatch(
        new RegExp(`^User: arn:aws:iam::${ACCOUNT_B}:root is not authorized to perform: ecr:\\w+ on resource: arn:aws:ecr:${REGION}:${ACCOUNT_A}:repository/`),
      );
      expect(err.message).toContain('because no resource-based policy allows');
    });
  });

  it('with an explicit Deny: AccessDeniedException naming the deny, nothing changed', async () => {
    await unchanged(async () => {
      const err = await refusal(call(denied.get(row.operation)!, row.operation, row.input(fixture)));
      expect(err).toMatchObject({ name: 'AccessDeniedException', status: 400 });
      expect(err.message).toMatch(
        new RegExp(`^User: arn:aws:iam::${ACCOUNT_A}:user/deny-${row.operation} is not authorized to perform: ecr:${row.operation} on resource: .+ with an explicit deny in an identity-based policy$`),
      );
    });
  });

  it('allowed: succeeds', async () => {
    await call(allowed, row.operation, row.input(fixture));
  });
});
