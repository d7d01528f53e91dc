/**
 * The workflow ECR users follow, with the real AWS CLI v2 (/usr/bin/aws) and real docker against
 * a Berth child process with IAM on and root credentials from the environment:
 *   aws ecr create-repository; aws ecr get-login-password | docker login; docker tag; docker push;
 *   aws ecr describe-images / list-images; docker pull; aws ecr batch-delete-image
 * and an IAM user made with `berth admin`, holding a read-only policy, whose docker push is refused.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { type BerthServer, startBerth } from '../support/berth-process.js';
import { BERTH_BIN, REPO_ROOT } from '../support/paths.js';
import { removeDir, tempDir } from '../support/temp.js';
import { DockerCli, dockerHost, dockerUnavailable, pushedDigest } from './harness/docker-cli.js';
import { writeScratchContext } from './harness/image-context.js';
import { run, runCommand, type RunResult } from './harness/run.js';
import { isCI, requireCondition, requireTool } from './harness/tools.js';

// `aws` on PATH may be a v1 shim; the Debian awscli package installs v2 here.
const AWS = '/usr/bin/aws';
const REGION = 'eu-central-1';
const ACCOUNT = '123456789012';
const ROOT = { accessKeyId: 'AKIAE2EROOT000000000', secretAccessKey: 'e2e-root-secret-0123456789abcdefghijklmn' };

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

let work: string;
let server: BerthServer | undefined;

function requireClients(ctx: TestContext): void {
  requireTool(ctx, 'docker');
  requireCondition(ctx, existsSync(AWS), `${AWS} (AWS CLI v2, Debian package awscli) not found`);
  requireCondition(ctx, dockerHost() !== '', dockerUnavailable());
}

function awsEnv(credentials: Credentials): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: work,
    AWS_CONFIG_FILE: join(work, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'aws-credentials'),
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: REGION,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

async function aws(credentials: Credentials, ...args: string[]): Promise<Record<string, unknown>> {
  const out = await run(AWS, ['ecr', ...args, '--endpoint-url', server!.url, '--output', 'json'], { env: awsEnv(credentials), timeoutMs: 60_000 });
  return out.trim() === '' ? {} : (JSON.parse(out) as Record<string, unknown>);
}

/** Exactly what users type: aws ecr get-login-password | docker login --username AWS --password-stdin <registry> */
function dockerLogin(docker: DockerCli, credentials: Credentials, registry: string): Promise<RunResult> {
  return runCommand('sh', ['-c', `"${AWS}" ecr get-login-password --endpoint-url "$ENDPOINT" | docker login --username AWS --password-stdin "$REGISTRY"`], {
    env: { ...docker.environment(), ...awsEnv(credentials), ENDPOINT: server!.url, REGISTRY: registry },
  });
}

async function berthAdmin(...args: string[]): Promise<Record<string, unknown>> {
  const out = await run(process.execPath, [BERTH_BIN, 'admin', '--data', server!.dataDir, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, BERTH_ACCOUNT_ID: ACCOUNT, BERTH_REGION: REGION },
  });
  return JSON.parse(out) as Record<string, unknown>;
}

beforeAll(async () => {
  work = await tempDir('e2e-aws-cli');
});
afterAll(async () => {
  await server?.stop();
  await removeDir(work);
});

describe('aws CLI v2 and docker against Berth with IAM', () => {
  let docker: DockerCli;
  let source: string;
  let imageId: string;
  let repositoryUri: string;
  let registry: string;

  test('create-repository, get-login-password | docker login, docker push, describe-images, list-images, docker pull, batch-delete-image', async (ctx) => {
    requireClients(ctx);
    server = await startBerth({
      dataDir: join(work, 'data'),
      env: {
        BERTH_AUTH_MODE: 'iam',
        BERTH_REGION: REGION,
        BERTH_ACCOUNT_ID: ACCOUNT,
        BERTH_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
        BERTH_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
      },
    });
    docker = await DockerCli.create(join(work, 'root'));
    const context = join(work, 'context');
    await writeScratchContext(context, 'Dockerfile');
    source = `berth-e2e/aws-cli:${Date.now()}`;
    await docker.run(['build', '--tag', source, context]);
    imageId = await docker.imageId(source);

    const created = await aws(ROOT, 'create-repository', '--repository-name', 'e2e/app');
    const repository = created.repository as { repositoryUri: string; repositoryArn: string; registryId: string };
    expect(repository.registryId).toBe(ACCOUNT);
    expect(repository.repositoryArn).toBe(`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/e2e/app`);
    repositoryUri = repository.repositoryUri;
    registry = repositoryUri.slice(0, repositoryUri.indexOf('/'));
    expect(registry).toBe(server.address);

    // Not logged in yet: the registry asks for credentials and docker has none.
    await docker.run(['tag', source, `${repositoryUri}:v1`]);
    const anonymous = await docker.attempt(['push', `${repositoryUri}:v1`]);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr + anonymous.stdout).toMatch(/no basic auth credentials|unauthorized/i);

    const login = await dockerLogin(docker, ROOT, registry);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain('Login Succeeded');

    const digest = pushedDigest(await docker.run(['push', `${repositoryUri}:v1`]));

    const described = await aws(ROOT, 'describe-images', '--repository-name', 'e2e/app');
    const details = described.imageDetails as { imageDigest: string; imageTags: string[]; registryId: string }[];
    expect(details).toHaveLength(1);
    expect(details[0]).toMatchObject({ imageDigest: digest, imageTags: ['v1'], registryId: ACCOUNT });

    const listed = await aws(ROOT, 'list-images', '--repository-name', 'e2e/app');
    expect(listed.imageIds).toEqual([{ imageDigest: digest, imageTag: 'v1' }]);

    await docker.run(['rmi', `${repositoryUri}:v1`, source]);
    expect(await docker.exists(imageId)).toBe(false);
    await docker.run(['pull', `${repositoryUri}:v1`]);
    expect(await docker.imageId(`${repositoryUri}:v1`)).toBe(imageId);

    const deleted = await aws(ROOT, 'batch-delete-image', '--repository-name', 'e2e/app', '--image-ids', 'imageTag=v1');
    expect(deleted.imageIds).toEqual([{ imageDigest: digest, imageTag: 'v1' }]);
    expect(deleted.failures).toEqual([]);
    expect((await aws(ROOT, 'list-images', '--repository-name', 'e2e/app')).imageIds).toEqual([]);
    expect((await docker.attempt(['pull', `${repositoryUri}:v1`])).code).not.toBe(0);

    // Leave an image for the read-only user to pull.
    await docker.run(['push', `${repositoryUri}:v1`]);
  });

  test('an IAM user with a read-only policy, made with `berth admin`, can pull but its docker push is refused', async (ctx) => {
    requireClients(ctx);
    if (!server || !repositoryUri) {
      if (isCI()) throw new Error('the workflow test did not set up the registry');
      ctx.skip('the workflow test did not run');
    }
    await berthAdmin('users', 'create', 'reader');
    const readOnly = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability', 'ecr:DescribeImages', 'ecr:ListImages'],
          Resource: '*',
        },
      ],
    };
    await berthAdmin('policies', 'put', 'reader', 'read-only', '--document', JSON.stringify(readOnly));
    const key = (await berthAdmin('keys', 'create', '--user', 'reader')).accessKey as Credentials;

    const reader = await DockerCli.create(join(work, 'reader'));
    const login = await dockerLogin(reader, key, registry);
    expect(login.code, login.stderr).toBe(0);

    await reader.run(['pull', `${repositoryUri}:v1`]);
    expect(await reader.imageId(`${repositoryUri}:v1`)).toBe(imageId);
    const listed = await aws(key, 'list-images', '--repository-name', 'e2e/app');
    expect((listed.imageIds as unknown[]).length).toBe(1);

    await reader.run(['tag', `${repositoryUri}:v1`, `${repositoryUri}:by-reader`]);
    const push = await reader.attempt(['push', `${repositoryUri}:by-reader`]);
    expect(push.code).not.toBe(0);
    expect(push.stderr + push.stdout).toMatch(/denied/i);
    const tags = ((await aws(ROOT, 'list-images', '--repository-name', 'e2e/app')).imageIds as { imageTag?: string }[]).map((i) => i.imageTag);
    expect(tags).toEqual(['v1']);

    // The CLI is refused too, in AWS's words.
    const refused = await runCommand(AWS, ['ecr', 'create-repository', '--repository-name', 'e2e/other', '--endpoint-url', server!.url], { env: awsEnv(key) });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('AccessDeniedException');
    expect(refused.stderr).toContain(`User: arn:aws:iam::${ACCOUNT}:user/reader is not authorized to perform: ecr:CreateRepository`);
  });
});

describe('a public repository with the bearer challenge (auth.challenge: bearer)', () => {
  test('docker logs in and pushes through the token flow, and pulls anonymously once the policy makes the repository public', async (ctx) => {
    requireClients(ctx);
    const bearerServer = await startBerth({
      dataDir: join(work, 'bearer-data'),
      env: {
        BERTH_AUTH_MODE: 'iam',
        BERTH_AUTH_CHALLENGE: 'bearer',
        BERTH_REGION: REGION,
        BERTH_ACCOUNT_ID: ACCOUNT,
        BERTH_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
        BERTH_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
      },
    });
    // The aws helper talks to `server`.
    const previous = server;
    server = bearerServer;
    try {
      const owner = await DockerCli.create(join(work, 'bearer-owner'));
      const context = join(work, 'bearer-context');
      await writeScratchContext(context, 'Dockerfile');
      const reference = `${bearerServer.address}/public/app:v1`;
      await owner.run(['build', '--tag', reference, context]);
      const id = await owner.imageId(reference);
      const login = await dockerLogin(owner, ROOT, bearerServer.address);
      expect(login.code, login.stderr).toBe(0);
      await owner.run(['push', reference]);

      const stranger = await DockerCli.create(join(work, 'bearer-stranger'));
      const before = await stranger.attempt(['pull', reference]);
      expect(before.code).not.toBe(0);
      expect(before.stderr).toMatch(/unauthorized|authentication required/i);

      const policy = {
        Version: '2012-10-17',
        Statement: [{ Sid: 'PublicPull', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'] }],
      };
      await aws(ROOT, 'set-repository-policy', '--repository-name', 'public/app', '--policy-text', JSON.stringify(policy));
      await stranger.run(['pull', reference]);
      expect(await stranger.imageId(reference)).toBe(id);

      await stranger.run(['tag', reference, `${bearerServer.address}/public/app:stranger`]);
      const push = await stranger.attempt(['push', `${bearerServer.address}/public/app:stranger`]);
      expect(push.code).not.toBe(0);
      expect(push.stderr + push.stdout).toMatch(/unauthorized|authentication required/i);
    } finally {
      server = previous;
      await bearerServer.stop();
    }
  });
});
