/**
 * Set/Get/DeleteRepositoryPolicy, Put/Get/DeleteRegistryPolicy and Get/PutAccountSetting as the
 * SDK sees them: texts come back verbatim, missing policies and bad documents are answered with
 * ECR's exceptions, and a policy that would lock its author out needs force.
 */
import {
  CreateRepositoryCommand,
  DeleteRegistryPolicyCommand,
  DeleteRepositoryCommand,
  DeleteRepositoryPolicyCommand,
  GetAccountSettingCommand,
  GetRegistryPolicyCommand,
  GetRepositoryPolicyCommand,
  PutAccountSettingCommand,
  PutRegistryPolicyCommand,
  SetRepositoryPolicyCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_A, ALLOW_ALL_ECR, ROOT_KEY, useBerth } from './harness.js';
import { pushImage } from './images.js';

const berth = useBerth();
let ecr: ECRClient;

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: Error) => ({ name: err.name, message: err.message }),
  );

// Whitespace and key order as a user wrote them: ECR hands the text back unchanged.
const POLICY = `{
  "Version" : "2012-10-17",
  "Statement" : [ { "Sid" : "Pull", "Effect" : "Allow", "Principal" : { "AWS" : "arn:aws:iam::333333333333:root" }, "Action" : [ "ecr:BatchGetImage" ] } ]
}`;

beforeAll(async () => {
  ecr = berth().ecr(ROOT_KEY);
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'policies/app' }));
});
afterAll(() => ecr.destroy());

describe('repository policies', () => {
  it('answers RepositoryPolicyNotFoundException before one is set', async () => {
    expect(await failure(ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'policies/app' })))).toEqual({
      name: 'RepositoryPolicyNotFoundException',
      message: `Repository policy does not exist for the repository with name 'policies/app' in the registry with id '${ACCOUNT_A}'`,
    });
  });

  it('stores the text as sent and hands it back, then deletes it', async () => {
    const set = await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'policies/app', policyText: POLICY }));
    expect(set).toMatchObject({ registryId: ACCOUNT_A, repositoryName: 'policies/app', policyText: POLICY });
    expect((await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'policies/app' }))).policyText).toBe(POLICY);
    expect((await ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: 'policies/app' }))).policyText).toBe(POLICY);
    expect((await failure(ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: 'policies/app' })))).name).toBe('RepositoryPolicyNotFoundException');
  });

  it('refuses an invalid document with InvalidParameterException saying what is wrong', async () => {
    const noPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:BatchGetImage' }] });
    const err = await failure(ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'policies/app', policyText: noPrincipal })));
    expect(err.name).toBe('InvalidParameterException');
    expect(err.message).toMatch(/^Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided': .*Principal/);
    expect((await failure(ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'policies/app', policyText: '{nope' })))).name).toBe(
      'InvalidParameterException',
    );
  });

  it('answers RepositoryNotFoundException for a missing repository', async () => {
    expect((await failure(ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'policies/none', policyText: POLICY })))).name).toBe(
      'RepositoryNotFoundException',
    );
  });

  it('needs force for a policy that would deny its author further policy changes', async () => {
    const admin = await berth().user(ACCOUNT_A, 'policy-admin', { all: ALLOW_ALL_ECR });
    const client = berth().ecr(admin);
    const lockout = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: { AWS: admin.arn }, Action: 'ecr:SetRepositoryPolicy' }],
    });
    const err = await failure(client.send(new SetRepositoryPolicyCommand({ repositoryName: 'policies/app', policyText: lockout })));
    expect(err.name).toBe('InvalidParameterException');
    expect(err.message).toContain('force');
    await client.send(new SetRepositoryPolicyCommand({ repositoryName: 'policies/app', policyText: lockout, force: true }));
    // And it does lock the author out.
    expect((await failure(client.send(new SetRepositoryPolicyCommand({ repositoryName: 'policies/app', policyText: POLICY })))).name).toBe(
      'AccessDeniedException',
    );
    client.destroy();
  });

  it('goes with its repository: a re-created repository has no policy', async () => {
    await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'policies/app', policyText: POLICY }));
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'policies/app', force: true }));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'policies/app' }));
    expect((await failure(ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'policies/app' })))).name).toBe('RepositoryPolicyNotFoundException');
  });
});

describe('registry policies', () => {
  it('put, get and delete, with RegistryPolicyNotFoundException when there is none', async () => {
    expect((await failure(ecr.send(new GetRegistryPolicyCommand({})))).name).toBe('RegistryPolicyNotFoundException');
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::333333333333:root' }, Action: ['ecr:ReplicateImage'], Resource: '*' }],
    });
    expect(await ecr.send(new PutRegistryPolicyCommand({ policyText: text }))).toMatchObject({ registryId: ACCOUNT_A, policyText: text });
    expect((await ecr.send(new GetRegistryPolicyCommand({}))).policyText).toBe(text);
    expect((await ecr.send(new DeleteRegistryPolicyCommand({}))).policyText).toBe(text);
    expect((await failure(ecr.send(new DeleteRegistryPolicyCommand({})))).name).toBe('RegistryPolicyNotFoundException');
  });
});

describe('account settings', () => {
  it('report ECR defaults, change, and refuse unknown names and values', async () => {
    expect(await ecr.send(new GetAccountSettingCommand({ name: 'REGISTRY_POLICY_SCOPE' }))).toMatchObject({ name: 'REGISTRY_POLICY_SCOPE', value: 'V2' });
    expect(await ecr.send(new GetAccountSettingCommand({ name: 'BASIC_SCAN_TYPE_VERSION' }))).toMatchObject({ value: 'AWS_NATIVE' });
    expect(await ecr.send(new PutAccountSettingCommand({ name: 'BASIC_SCAN_TYPE_VERSION', value: 'CLAIR' }))).toMatchObject({ value: 'CLAIR' });
    expect(await ecr.send(new GetAccountSettingCommand({ name: 'BASIC_SCAN_TYPE_VERSION' }))).toMatchObject({ value: 'CLAIR' });
    expect((await failure(ecr.send(new PutAccountSettingCommand({ name: 'REGISTRY_POLICY_SCOPE', value: 'V3' })))).name).toBe('InvalidParameterException');
    expect((await failure(ecr.send(new GetAccountSettingCommand({ name: 'NO_SUCH_SETTING' })))).name).toBe('InvalidParameterException');
  });

  it('BLOB_MOUNTING=DISABLED turns a mount into an ordinary upload', async () => {
    const auth = await berth().login(ROOT_KEY);
    const image = await pushImage(berth(), auth, 'mount/source');
    const mount = () => berth().v2('POST', `/v2/mount/target/blobs/uploads/?mount=${image.layerDigest}&from=mount/source`, { auth });
    expect((await mount()).status).toBe(201);
    await ecr.send(new PutAccountSettingCommand({ name: 'BLOB_MOUNTING', value: 'DISABLED' }));
    expect((await mount()).status).toBe(202);
    await ecr.send(new PutAccountSettingCommand({ name: 'BLOB_MOUNTING', value: 'ENABLED' }));
  });
});
