/**
 * What the `berth migrate` tests move and compare: a single-node Berth filled through its public
 * APIs (IAM users and keys through the IAM service as `berth admin` does, repositories, policies,
 * lifecycle, resource tags and scanning configuration through ECR, images through /v2), the
 * destination's configuration file, and a snapshot of everything a client can read back.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  GetRegistryPolicyCommand,
  GetRegistryScanningConfigurationCommand,
  GetRepositoryPolicyCommand,
  ListTagsForResourceCommand,
  PutLifecyclePolicyCommand,
  PutRegistryPolicyCommand,
  PutRegistryScanningConfigurationCommand,
  SetRepositoryPolicyCommand,
  TagResourceCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { PassThrough } from 'node:stream';
import { stringify } from 'yaml';
import { ACCOUNT_A, ALLOW_ALL_ECR, type Credentials, REGION, ROOT_KEY, type TestBerth } from '../../iam/integration/harness.js';
import type { S3Coordinates } from '../../engines/engines.js';
import { sha256 } from '../../support/digest.js';
import { OCI_INDEX, OCI_MANIFEST } from '../../support/media-types.js';
import { type Blob, type TestImage, blob, descriptor, image, indexDocument, manifestDescriptor, manifestDocument, configBlob } from '../../support/oci.js';

export const MiB = 1024 * 1024;

/** The configuration both sides share (the root key is configured, so it is the same on both). */
export const COMMON = {
  region: REGION,
  accountId: ACCOUNT_A,
  shutdown: { graceSeconds: 1 },
  auth: { rootAccessKeyId: ROOT_KEY.accessKeyId, rootSecretAccessKey: ROOT_KEY.secretAccessKey },
};

/** A manifest (or index) as pushed: where, its bytes, and every blob it names. */
export interface Pushed {
  name: string;
  reference: string;
  digest: string;
  mediaType: string;
  manifest: Buffer;
  blobs: Blob[];
}

export interface Filled {
  user: Credentials;
  pushed: Pushed[];
  /** The referrer's subject (name, digest) and the referrer's digest. */
  referrer: { name: string; subject: string; digest: string };
}

/** Pushes blobs then the manifest over /v2; throws unless each step succeeds. */
export async function push(berth: TestBerth, auth: string, name: string, reference: string, manifest: string | Buffer, mediaType: string, blobs: Blob[]): Promise<Pushed> {
  for (const b of blobs) {
    const res = await berth.v2('POST', `/v2/${name}/blobs/uploads/?digest=${b.digest}`, { auth, body: b.content });
    if (res.status !== 201) throw new Error(`blob push answered ${res.status}: ${res.body.toString()}`);
  }
  const res = await berth.v2('PUT', `/v2/${name}/manifests/${reference}`, { auth, body: manifest, headers: { 'content-type': mediaType } });
  if (res.status !== 201) throw new Error(`manifest push answered ${res.status}: ${res.body.toString()}`);
  const bytes = Buffer.from(manifest);
  return { name, reference, digest: sha256(bytes), mediaType, manifest: bytes, blobs };
}

const pushImage = (berth: TestBerth, auth: string, name: string, tag: string, built: TestImage) => push(berth, auth, name, tag, built.manifest, built.mediaType, built.blobs);

/**
 * Fills a Berth: a user with a key and an identity policy, two repositories with a repository
 * policy, a lifecycle policy, resource tags, a registry policy and scanning configuration; images
 * (one with a 12 MiB layer, more than two S3 parts), a multi-arch index and a referrer.
 */
export async function fill(berth: TestBerth): Promise<Filled> {
  const user = await berth.user(ACCOUNT_A, 'ci', { everything: ALLOW_ALL_ECR });
  const ecr = berth.ecr(ROOT_KEY);
  try {
    const repo = await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/app', imageTagMutability: 'IMMUTABLE', tags: [{ Key: 'team', Value: 'blue' }] }));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/base', imageScanningConfiguration: { scanOnPush: true } }));
    await ecr.send(new TagResourceCommand({ resourceArn: repo.repository!.repositoryArn!, tags: [{ Key: 'cost', Value: 'ci' }] }));
    await ecr.send(
      new SetRepositoryPolicyCommand({
        repositoryName: 'team/app',
        policyText: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'pull', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_A}:root` }, Action: ['ecr:BatchGetImage'] }] }),
      }),
    );
    await ecr.send(
      new PutLifecyclePolicyCommand({
        repositoryName: 'team/app',
        lifecyclePolicyText: JSON.stringify({
          rules: [{ rulePriority: 1, description: 'old', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }, action: { type: 'expire' } }],
        }),
      }),
    );
    await ecr.send(
      new PutRegistryPolicyCommand({
        policyText: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'rep', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_A}:root` }, Action: ['ecr:ReplicateImage'], Resource: '*' }] }),
      }),
    );
    await ecr.send(new PutRegistryScanningConfigurationCommand({ scanType: 'BASIC', rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'team/*', filterType: 'WILDCARD' }] }] }));
  } finally {
    ecr.destroy();
  }

  const auth = await berth.login(user);
  const pushed: Pushed[] = [];
  pushed.push(await pushImage(berth, auth, 'team/app', 'v1', image({ layers: [blob(randomBytes(12 * MiB)), blob(randomBytes(300))] })));
  pushed.push(await pushImage(berth, auth, 'team/app', 'v2', image()));
  // A layer shared by two repositories (one blob, two links).
  const shared = blob(randomBytes(2 * MiB));
  pushed.push(await pushImage(berth, auth, 'team/base', 'latest', image({ layers: [shared] })));
  pushed.push(await pushImage(berth, auth, 'team/app', 'shared', image({ layers: [shared] })));

  // A multi-arch index over two platform images, pushed by digest first.
  const amd64 = image({ config: configBlob({ architecture: 'amd64' }) });
  const arm64 = image({ config: configBlob({ architecture: 'arm64' }) });
  const a = await pushImage(berth, auth, 'team/base', amd64.digest, amd64);
  const b = await pushImage(berth, auth, 'team/base', arm64.digest, arm64);
  pushed.push(a, b);
  const index = JSON.stringify(
    indexDocument({
      manifests: [
        manifestDescriptor(amd64, { platform: { architecture: 'amd64', os: 'linux' } }),
        manifestDescriptor(arm64, { platform: { architecture: 'arm64', os: 'linux' } }),
      ],
    }),
  );
  pushed.push(await push(berth, auth, 'team/base', 'multi', index, OCI_INDEX, []));

  // A referrer (an SBOM-like artifact) whose subject is team/app:v1.
  const subject = pushed[0]!;
  const payload = blob(Buffer.from('{"sbom":true}'), 'application/spdx+json');
  const empty = blob(Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
  const referrerManifest = JSON.stringify(
    manifestDocument({
      artifactType: 'application/spdx+json',
      config: descriptor(empty),
      layers: [descriptor(payload)],
      subject: manifestDescriptor({ manifest: subject.manifest, mediaType: OCI_MANIFEST, digest: subject.digest }),
    }),
  );
  const referrer = await push(berth, auth, 'team/app', sha256(referrerManifest), referrerManifest, OCI_MANIFEST, [empty, payload]);
  pushed.push(referrer);
  return { user, pushed, referrer: { name: 'team/app', subject: subject.digest, digest: referrer.digest } };
}

/** Everything ECR reads back about the registry, in a stable order (before any pull moves a pull time). */
export async function snapshot(berth: TestBerth): Promise<Record<string, unknown>> {
  const ecr: ECRClient = berth.ecr(ROOT_KEY);
  try {
    const repositories = (await ecr.send(new DescribeRepositoriesCommand({}))).repositories!.sort((x, y) => x.repositoryName!.localeCompare(y.repositoryName!));
    const perRepository: Record<string, unknown> = {};
    for (const repo of repositories) {
      const name = repo.repositoryName!;
      const images = (await ecr.send(new DescribeImagesCommand({ repositoryName: name }))).imageDetails!.sort((x, y) => x.imageDigest!.localeCompare(y.imageDigest!));
      perRepository[name] = {
        images: images.map((i) => ({ ...i, imageTags: i.imageTags?.sort() })),
        policy: await optional(() => ecr.send(new GetRepositoryPolicyCommand({ repositoryName: name })).then((r) => r.policyText)),
        lifecycle: await optional(() => ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name })).then((r) => [r.lifecyclePolicyText, r.lastEvaluatedAt])),
        tags: (await ecr.send(new ListTagsForResourceCommand({ resourceArn: repo.repositoryArn! }))).tags,
      };
    }
    const all = {
      repositories,
      perRepository,
      registryPolicy: (await ecr.send(new GetRegistryPolicyCommand({}))).policyText,
      scanning: (await ecr.send(new GetRegistryScanningConfigurationCommand({}))).scanningConfiguration,
    };
    // Repository URIs name the server's address, which differs between the two.
    return JSON.parse(JSON.stringify(all).replaceAll(`127.0.0.1:${berth.port}`, '<host>')) as Record<string, unknown>;
  } finally {
    ecr.destroy();
  }
}

async function optional<T>(read: () => Promise<T>): Promise<T | string> {
  try {
    return await read();
  } catch (err) {
    return (err as Error).name;
  }
}

/** The destination's configuration file: PostgreSQL at `url`, the bucket, its own data directory. */
export async function writeDestinationConfig(dir: string, url: string, s3: S3Coordinates, bucket: string): Promise<string> {
  const file = join(dir, 'destination.yaml');
  await writeFile(file, stringify(destinationConfig(dir, url, s3, bucket)));
  return file;
}

export function destinationConfig(dataDir: string, url: string, s3: S3Coordinates, bucket: string) {
  return {
    dataDir,
    ...COMMON,
    metadata: { driver: 'postgres' as const, postgres: { url, poolSize: 4 } },
    storage: {
      driver: 's3' as const,
      s3: { endpoint: s3.endpoint, region: s3.region, bucket, forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    },
  };
}

export interface Captured {
  io: { stdout: PassThrough; stderr: PassThrough; env: NodeJS.ProcessEnv };
  out(): string;
  err(): string;
}

/** stdout and stderr for runMigrate, kept as text. */
export function captureIo(): Captured {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  return { io: { stdout, stderr, env: {} }, out: () => Buffer.concat(out).toString(), err: () => Buffer.concat(err).toString() };
}
