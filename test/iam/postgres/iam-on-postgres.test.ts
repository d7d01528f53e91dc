/**
 * IAM with its metadata on PostgreSQL, end to end: `berth admin` beside a running server on the
 * same database (a user, a key and a policy usable at once), resource policies and settings over
 * the ECR API deciding cross-account pulls, root credentials generated once and found again after
 * a restart, a key-encryption-key rotation, and the audit records all this leaves.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetAccountSettingCommand,
  GetRepositoryPolicyCommand,
  PutAccountSettingCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAdmin } from '../../../src/cli/admin.js';
import type { BerthConfigInput } from '../../../src/config/schema.js';
import { withPostgres } from '../../engines/engines.js';
import { postgresMetadataConfig } from '../../support/postgres.js';
import { mergeConfig } from '../../support/server.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { ACCOUNT_A, ACCOUNT_B, ALLOW_ALL_ECR, READ_ONLY, type Credentials, type TestBerth, startBerth } from '../integration/harness.js';
import { pushImage } from '../integration/images.js';

const K1 = `k1:${randomBytes(32).toString('base64')}`;
const K2 = `k2:${randomBytes(32).toString('base64')}`;

async function outcomeOf(berth: TestBerth, credentials: Credentials, send: (ecr: ReturnType<TestBerth['ecr']>) => Promise<unknown>): Promise<string> {
  const client = berth.ecr(credentials);
  try {
    await send(client);
    return 'ok';
  } catch (err) {
    return (err as Error).name;
  } finally {
    client.destroy();
  }
}

withPostgres(({ url: server }) => {
  let dataDir: string;
  let config: BerthConfigInput;
  let berth: TestBerth;

  const start = async (keyring: string) => {
    berth = await startBerth(dataDir, mergeConfig(config, { auth: { keyring } }));
  };

  beforeAll(async () => {
    dataDir = await tempDir('iam-pg');
    // No root credentials configured: the first start generates them (createFirstRootKey).
    config = mergeConfig(await postgresMetadataConfig(server), { auth: { rootAccessKeyId: undefined, rootSecretAccessKey: undefined, credentialCacheSeconds: 0 } });
    await start(K1);
  });
  afterAll(async () => {
    await berth?.close();
    await removeDir(dataDir);
  });

  async function admin(...args: string[]): Promise<Record<string, unknown>> {
    let out = '';
    let err = '';
    const sink = (append: (s: string) => void) => new Writable({ write: (chunk: Buffer, _enc, done) => (append(chunk.toString()), done()) });
    const program = new Command().exitOverride();
    registerAdmin(program, {
      stdout: sink((s) => (out += s)),
      stderr: sink((s) => (err += s)),
      // The metadata section as the server has it, from the environment as an operator would give it.
      env: { BERTH_ACCOUNT_ID: ACCOUNT_A, BERTH_REGION: 'eu-west-1', BERTH_POSTGRES_URL: (config.metadata as { postgres: { url: string } }).postgres.url, BERTH_KEYRING: K1 },
      fail: () => undefined,
    });
    await program.parseAsync(['admin', '--data', dataDir, ...args], { from: 'user' });
    if (err) throw new Error(err);
    return JSON.parse(out) as Record<string, unknown>;
  }

  describe('iam on postgresql', () => {
    it('berth admin beside the server: a user, key and policy work at once; a deactivated key stops working', async () => {
      await admin('users', 'create', 'ci');
      const key = (await admin('keys', 'create', '--user', 'CI')).accessKey as Credentials & { accessKeyId: string };
      // IAM's quota: two keys per user, counted by the store as it inserts.
      await admin('keys', 'create', '--user', 'ci');
      await expect(admin('keys', 'create', '--user', 'ci')).rejects.toThrow(/Cannot exceed quota for AccessKeysPerUser: 2/);
      expect(await outcomeOf(berth, key, (c) => c.send(new DescribeRepositoriesCommand({})))).toBe('AccessDeniedException');
      const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ecr:Describe*', 'ecr:CreateRepository'], Resource: '*' }] });
      await admin('policies', 'put', 'ci', 'build', '--document', policy);
      expect(await admin('policies', 'list', 'ci')).toEqual({ policyNames: ['build'] });
      expect(await outcomeOf(berth, key, (c) => c.send(new CreateRepositoryCommand({ repositoryName: 'ci/app' })))).toBe('ok');
      expect(await outcomeOf(berth, key, (c) => c.send(new SetRepositoryPolicyCommand({ repositoryName: 'ci/app', policyText: policy })))).toBe('AccessDeniedException');
      await admin('keys', 'deactivate', key.accessKeyId);
      expect(await outcomeOf(berth, key, (c) => c.send(new DescribeRepositoriesCommand({})))).toBe('UnrecognizedClientException');
      await admin('users', 'delete', 'ci', '--force');
      expect(((await admin('users', 'list')).users as unknown[]).length).toBe(0);
    });

    it('a repository policy and account settings set over the ECR API decide a cross-account pull', async () => {
      const owner = await berth.user(ACCOUNT_A, 'owner', { all: ALLOW_ALL_ECR });
      const puller = await berth.user(ACCOUNT_B, 'puller', { ro: READ_ONLY });
      const pushed = await pushImage(berth, await berth.login(owner), 'shared/app');
      const pull = () => outcomeOf(berth, puller, (c) => c.send(new BatchGetImageCommand({ registryId: ACCOUNT_A, repositoryName: 'shared/app', imageIds: [{ imageTag: pushed.tag }] })));
      expect(await pull()).toBe('AccessDeniedException');
      const policyText = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'Pull', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_B}:root` }, Action: ['ecr:BatchGetImage'] }],
      });
      await outcomeOf(berth, owner, (c) => c.send(new SetRepositoryPolicyCommand({ repositoryName: 'shared/app', policyText })));
      expect(await pull()).toBe('ok');
      const client = berth.ecr(owner);
      try {
        expect((await client.send(new GetRepositoryPolicyCommand({ repositoryName: 'shared/app' }))).policyText).toBe(policyText);
        await client.send(new PutAccountSettingCommand({ name: 'BASIC_SCAN_TYPE_VERSION', value: 'AWS_NATIVE' }));
        expect(await client.send(new GetAccountSettingCommand({ name: 'BASIC_SCAN_TYPE_VERSION' }))).toMatchObject({ value: 'AWS_NATIVE' });
      } finally {
        client.destroy();
      }
    });

    it('generates the root credentials once: after a restart they are found, and a rotation re-seals every key', async () => {
      const root = (await admin('root-credentials')) as { source: string; storedRootKeys: { accessKeyId: string }[] };
      expect(root.source).toBe('generated on first start');
      expect(root.storedRootKeys).toHaveLength(1);
      const user = await berth.user(ACCOUNT_A, 'rotated', { all: ALLOW_ALL_ECR });

      await berth.close();
      await start(`${K2}\n${K1}`);
      expect((await berth.app.store.iam.listAccessKeys(ACCOUNT_A, undefined)).map((k) => k.accessKeyId)).toEqual(root.storedRootKeys.map((k) => k.accessKeyId));
      const { resealed } = await berth.app.iam.identities.resealSecrets();
      expect(resealed).toBeGreaterThanOrEqual(2);
      expect(await berth.app.iam.identities.resealSecrets()).toEqual({ resealed: 0, activeKid: 'k2' });

      await berth.close();
      await start(K2);
      expect(await outcomeOf(berth, user, (c) => c.send(new DescribeRepositoriesCommand({})))).toBe('ok');
    });

    it('records the requests, allowed and refused, and lists them by action and account, newest first', async () => {
      const user = await berth.user(ACCOUNT_A, 'auditee', { ro: READ_ONLY });
      const since = new Date();
      expect(await outcomeOf(berth, user, (c) => c.send(new CreateRepositoryCommand({ repositoryName: 'audited/refused' })))).toBe('AccessDeniedException');
      expect(await outcomeOf(berth, user, (c) => c.send(new DescribeRepositoriesCommand({})))).toBe('ok');
      await berth.app.audit.flush();
      const records = await berth.app.store.audit.list({ accountId: ACCOUNT_A, since, limit: 10 });
      // (ECR answers AccessDeniedException with HTTP 400, which the request hook records as failed.)
      expect(records.map((r) => [r.action, r.outcome, r.actor, r.detail])).toEqual([
        ['ecr:DescribeRepositories', 'succeeded', user.arn, { status: 200 }],
        ['ecr:CreateRepository', 'failed', user.arn, { status: 400 }],
      ]);
      expect((await berth.app.store.audit.list({ action: 'ecr:CreateRepository', since, limit: 10 })).map((r) => r.actor)).toEqual([user.arn]);
    });
  });
});
