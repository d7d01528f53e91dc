/**
 * `berth migrate` as an operator runs it: docker pushes to a single-node Berth (SQLite + disk,
 * `node bin/berth.js serve`), the server stops, `berth migrate` moves it onto PostgreSQL + S3, a
 * Berth on the destination starts, and docker pulls every image from it (same image IDs) while
 * `aws ecr describe-repositories` / `describe-images` list the same as before. PostgreSQL and S3
 * come from the e2e project's engines setup, shared with the engines project.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { type BerthServer, startBerth } from '../../support/berth-process.js';
import { BERTH_BIN, REPO_ROOT } from '../../support/paths.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { createBucket, deleteBucket } from '../../storage/s3/helpers.js';
import { DockerCli, dockerHost, dockerUnavailable, pushedDigest } from '../harness/docker-cli.js';
import { type PostgresCoordinates, type S3Coordinates, withPostgres, withS3 } from '../../engines/engines.js';
import { emptyDatabase } from '../../support/postgres.js';
import { writeScratchContext } from '../harness/image-context.js';
import { run, runCommand } from '../harness/run.js';
import { requireCondition, requireTool } from '../harness/tools.js';

const AWS = '/usr/bin/aws';
const REGION = 'eu-central-1';
const ACCOUNT = '123456789012';
const ROOT = { accessKeyId: 'AKIAE2EMIGRATE000000', secretAccessKey: 'e2e-migrate-secret-0123456789abcdefghijk' };
const IAM_ENV = {
  BERTH_AUTH_MODE: 'iam',
  BERTH_REGION: REGION,
  BERTH_ACCOUNT_ID: ACCOUNT,
  BERTH_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
  BERTH_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
};
/** Repository and tag of each image pushed. */
const IMAGES = [
  ['e2e/app', 'v1'],
  ['e2e/app', 'v2'],
  ['e2e/tools/cli', 'latest'],
] as const;

let work: string;
let s3: S3Coordinates;
let postgres: PostgresCoordinates;
const servers: BerthServer[] = [];
let bucket: string | undefined;

async function aws(server: BerthServer, ...args: string[]): Promise<Record<string, unknown>> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: work,
    AWS_CONFIG_FILE: join(work, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'aws-credentials'),
    AWS_ACCESS_KEY_ID: ROOT.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
    AWS_DEFAULT_REGION: REGION,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const out = await run(AWS, ['ecr', ...args, '--endpoint-url', server.url, '--output', 'json'], { env, timeoutMs: 60_000 });
  return JSON.parse(out) as Record<string, unknown>;
}

/** What the aws CLI lists, without what names the server (its address) or changes with pulls. */
async function listing(server: BerthServer): Promise<unknown> {
  const repositories = ((await aws(server, 'describe-repositories')).repositories as Record<string, unknown>[]).map(({ repositoryUri: _uri, ...rest }) => rest);
  const images: Record<string, unknown> = {};
  for (const repo of repositories) {
    const name = repo.repositoryName as string;
    const details = (await aws(server, 'describe-images', '--repository-name', name)).imageDetails as Record<string, unknown>[];
    images[name] = details
      .map(({ lastRecordedPullTime: _pulled, ...rest }): Record<string, unknown> => ({ ...rest, imageTags: (rest.imageTags as string[]).sort() }))
      .sort((a, b) => String(a.imageDigest).localeCompare(String(b.imageDigest)));
  }
  return { repositories: repositories.sort((a, b) => String(a.repositoryName).localeCompare(String(b.repositoryName))), images };
}

async function login(docker: DockerCli, server: BerthServer): Promise<void> {
  const result = await runCommand('sh', ['-c', `"${AWS}" ecr get-login-password --endpoint-url "$ENDPOINT" | docker login --username AWS --password-stdin "$REGISTRY"`], {
    env: {
      ...docker.environment(),
      AWS_ACCESS_KEY_ID: ROOT.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
      AWS_DEFAULT_REGION: REGION,
      AWS_CONFIG_FILE: join(work, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(work, 'aws-credentials'),
      ENDPOINT: server.url,
      REGISTRY: server.address,
    },
  });
  expect(result.code, result.stderr).toBe(0);
}

function defineTests(): void {
beforeAll(async () => {
  work = await tempDir('e2e-migrate');
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  if (bucket) await deleteBucket(s3, bucket).catch(() => undefined);
  await removeDir(work);
});

describe('docker push to a single node, berth migrate, docker pull from PostgreSQL + S3', () => {
  test('every image pulls with the same image ID and the aws CLI lists the same', async (ctx) => {
    requireTool(ctx, 'docker');
    requireCondition(ctx, existsSync(AWS), `${AWS} (AWS CLI v2, Debian package awscli) not found`);
    requireCondition(ctx, dockerHost() !== '', dockerUnavailable());
    bucket = await createBucket(s3, 'e2e-migrate');
    const databaseUrl = await emptyDatabase(postgres.url);

    const source = await startBerth({ dataDir: join(work, 'source'), env: IAM_ENV });
    servers.push(source);
    const docker = await DockerCli.create(join(work, 'docker'));
    await login(docker, source);
    await aws(source, 'create-repository', '--repository-name', 'e2e/app', '--image-tag-mutability', 'IMMUTABLE');
    const pushed: { name: string; tag: string; imageId: string; digest: string }[] = [];
    for (const [i, [name, tag]] of IMAGES.entries()) {
      const context = join(work, `context-${i}`);
      await writeScratchContext(context, 'Dockerfile');
      const local = `berth-e2e/migrate-${i}:${Date.now()}`;
      await docker.run(['build', '--tag', local, context]);
      const reference = `${source.address}/${name}:${tag}`;
      await docker.run(['tag', local, reference]);
      const digest = pushedDigest(await docker.run(['push', reference]));
      pushed.push({ name, tag, imageId: await docker.imageId(local), digest });
      await docker.run(['rmi', local, reference]);
    }
    const before = await listing(source);
    expect(await source.stop()).toBe(0);

    const destinationFile = join(work, 'destination.yaml');
    await writeFile(
      destinationFile,
      stringify({
        dataDir: join(work, 'destination'),
        metadata: { driver: 'postgres', postgres: { url: databaseUrl } },
        storage: {
          driver: 's3',
          s3: {
            endpoint: s3.endpoint,
            region: s3.region,
            bucket,
            forcePathStyle: true,
            accessKeyId: s3.accessKeyId,
            secretAccessKey: s3.secretAccessKey,
          },
        },
      }),
    );
    const migrated = await runCommand(process.execPath, [BERTH_BIN, 'migrate', '--data', source.dataDir, '--to', destinationFile, '--json'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    expect(migrated.code, migrated.stderr).toBe(0);
    const summary = JSON.parse(migrated.stdout) as { blobs: { copied: number; total: number }; failures: string[] };
    expect(summary.failures).toEqual([]);
    expect(summary.blobs.copied).toBe(summary.blobs.total);
    expect(migrated.stderr).toMatch(/blobs: \d+\/\d+/);

    // The destination's data directory holds only what `berth migrate` put there (the keyring).
    const destination = await startBerth({ dataDir: join(work, 'destination'), env: { ...IAM_ENV, BERTH_CONFIG: destinationFile } });
    servers.push(destination);
    expect(await listing(destination)).toEqual(before);
    await login(docker, destination);
    for (const image of pushed) {
      const reference = `${destination.address}/${image.name}:${image.tag}`;
      await docker.run(['pull', reference]);
      expect(await docker.imageId(reference), reference).toBe(image.imageId);
      expect(await docker.run(['image', 'inspect', '--format', '{{index .RepoDigests 0}}', reference])).toContain(image.digest);
    }
  });
});
}

// The engines come from the e2e project's engines setup (test/e2e/harness/engines-setup.ts).
withS3((given) =>
  withPostgres((server) => {
    s3 = given;
    postgres = server;
    defineTests();
  }),
);
