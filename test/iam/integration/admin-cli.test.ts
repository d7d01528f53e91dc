/**
 * `berth admin` on a data directory a running Berth also serves: JSON output, secrets shown once
 * and stored only sealed, identities usable against the server at once, key deletion effective.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAdmin } from '../../../src/cli/admin.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { ACCOUNT_A, startBerth, type TestBerth } from './harness.js';

let dataDir: string;
let berth: TestBerth;

beforeAll(async () => {
  dataDir = await tempDir('admin');
  // No root credentials configured: the first start generates them.
  berth = await startBerth(dataDir, { auth: { rootAccessKeyId: undefined, rootSecretAccessKey: undefined, credentialCacheSeconds: 0 } });
});
afterAll(async () => {
  await berth.app.close();
  await removeDir(dataDir);
});

interface Run {
  code: number;
  json: Record<string, unknown>;
  stderr: string;
}

async function admin(...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  let code = 0;
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const program = new Command().exitOverride();
  registerAdmin(program, {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    env: { BERTH_ACCOUNT_ID: ACCOUNT_A, BERTH_REGION: 'eu-west-1' },
    fail: (c) => (code = c),
  });
  await program.parseAsync(['admin', '--data', dataDir, ...args], { from: 'user' });
  return { code, json: out ? (JSON.parse(out) as Record<string, unknown>) : {}, stderr: err };
}

describe('berth admin', () => {
  it('manages a user with a key and a policy that work against the running server', async () => {
    const user = await admin('users', 'create', 'ci', '--path', '/build/');
    expect(user.code).toBe(0);
    expect(user.json).toMatchObject({ user: { userName: 'ci', accountId: ACCOUNT_A, arn: `arn:aws:iam::${ACCOUNT_A}:user/build/ci` } });

    const created = await admin('keys', 'create', '--user', 'ci');
    const key = created.json.accessKey as { accessKeyId: string; secretAccessKey: string; status: string };
    expect(key.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(key.secretAccessKey).toHaveLength(40);
    expect(key.status).toBe('Active');

    // The secret is stored sealed only, and never listed again.
    const listed = await admin('keys', 'list', '--user', 'ci');
    expect(JSON.stringify(listed.json)).not.toContain(key.secretAccessKey);
    expect(listed.json).toMatchObject({ accessKeys: [{ accessKeyId: key.accessKeyId, userName: 'ci', status: 'Active' }] });
    expect(readFileSync(join(dataDir, 'metadata.db')).includes(Buffer.from(key.secretAccessKey))).toBe(false);

    const ecr = berth.ecr(key);
    expect((await ecr.send(new DescribeRepositoriesCommand({})).catch((e: Error) => e)) as Error).toMatchObject({ name: 'AccessDeniedException' });
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:Describe*', Resource: '*' }] });
    const put = await admin('policies', 'put', 'ci', 'describe', '--document', policy);
    expect(put.code).toBe(0);
    expect((await admin('policies', 'list', 'ci')).json).toEqual({ policyNames: ['describe'] });
    expect((await admin('policies', 'get', 'ci', 'describe')).json).toMatchObject({ policyDocument: JSON.parse(policy) });
    expect((await ecr.send(new DescribeRepositoriesCommand({}))).repositories).toEqual([]);

    await admin('keys', 'deactivate', key.accessKeyId);
    expect((await ecr.send(new DescribeRepositoriesCommand({})).catch((e: Error) => e)) as Error).toMatchObject({ name: 'UnrecognizedClientException' });
    await admin('keys', 'activate', key.accessKeyId);
    expect((await ecr.send(new DescribeRepositoriesCommand({}))).repositories).toEqual([]);
    await admin('keys', 'delete', key.accessKeyId);
    expect((await ecr.send(new DescribeRepositoriesCommand({})).catch((e: Error) => e)) as Error).toMatchObject({ name: 'UnrecognizedClientException' });
    ecr.destroy();
  });

  it('refuses invalid policies and explains, with exit code 1', async () => {
    await admin('users', 'create', 'bad-policy');
    const run = await admin('policies', 'put', 'bad-policy', 'p', '--document', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*"}]}');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^berth admin: Invalid policy document: .*Resource/);
  });

  it('refuses to delete a user with keys unless forced', async () => {
    await admin('users', 'create', 'leaving');
    await admin('keys', 'create', '--user', 'leaving');
    const refused = await admin('users', 'delete', 'leaving');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('must delete access keys and policies first');
    expect((await admin('users', 'delete', 'leaving', '--force')).code).toBe(0);
    expect(((await admin('users', 'list')).json.users as { userName: string }[]).map((u) => u.userName)).not.toContain('leaving');
  });

  it('creates accounts and keys for their roots', async () => {
    const created = await admin('accounts', 'create', '--alias', 'team-b');
    const accountId = (created.json as { accountId: string }).accountId;
    expect(accountId).toMatch(/^[1-9]\d{11}$/);
    expect((await admin('accounts', 'create', '--id', accountId)).code).toBe(1);
    const key = (await admin('keys', 'create', '--account', accountId)).json.accessKey as { accessKeyId: string; secretAccessKey: string };
    const ecr = berth.ecr(key);
    const out = await ecr.send(new DescribeRepositoriesCommand({}));
    expect(out.repositories).toEqual([]);
    ecr.destroy();
    expect(((await admin('accounts', 'list')).json.accounts as { accountId: string }[]).map((a) => a.accountId)).toEqual(
      expect.arrayContaining([ACCOUNT_A, accountId]),
    );
  });

  it('shows where the generated root credentials are, and they work', async () => {
    const run = await admin('root-credentials');
    expect(run.json).toMatchObject({ accountId: ACCOUNT_A, source: 'generated on first start', file: join(dataDir, 'root-credentials'), fileExists: true });
    const text = readFileSync(join(dataDir, 'root-credentials'), 'utf8');
    const id = /aws_access_key_id = (\S+)/.exec(text)![1]!;
    const secret = /aws_secret_access_key = (\S+)/.exec(text)![1]!;
    expect(run.json.storedRootKeys).toMatchObject([{ accessKeyId: id, status: 'Active' }]);
    const ecr = berth.ecr({ accessKeyId: id, secretAccessKey: secret });
    await ecr.send(new DescribeRepositoriesCommand({}));
    ecr.destroy();
  });

  it('switches a repository public and back', async () => {
    await berth.app.registry.repositories.create({ accountId: ACCOUNT_A, name: 'open/app' }, 'test');
    expect((await admin('repositories', 'public', 'open/app')).json).toEqual({ accountId: ACCOUNT_A, repositoryName: 'open/app', public: true });
    expect((await berth.v2('GET', '/v2/open/app/tags/list')).status).toBe(200);
    expect((await admin('repositories', 'public', 'open/app', '--off')).json).toMatchObject({ public: false });
    expect((await berth.v2('GET', '/v2/open/app/tags/list')).status).toBe(401);
    expect((await admin('repositories', 'public', 'missing/app')).code).toBe(1);
  });
});
