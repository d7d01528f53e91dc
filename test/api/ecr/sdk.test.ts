import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  InvalidParameterException,
  PutImageCommand,
  RepositoryAlreadyExistsException,
  RepositoryNotFoundException,
  ServerException,
  UploadLayerPartCommand,
  paginateDescribeRepositories,
} from '@aws-sdk/client-ecr';
import type { CreateRepositoryCommandInput } from '@aws-sdk/client-ecr';
import { sha256Hex } from '../../support/digest.js';
import { ACCOUNT, REGION, seedRepos, startToyApp } from './helpers/toy-app.js';
import type { ToyApp } from './helpers/toy-app.js';
import { rejection } from './operations/harness.js';

let toy: ToyApp;

beforeAll(async () => {
  toy = await startToyApp();
});
afterAll(async () => {
  await toy.close();
});
beforeEach(() => {
  toy.repos.length = 0;
});

describe('ECR API through @aws-sdk/client-ecr', () => {
  it('creates a repository and returns it with timestamps, ARN and URI the SDK parses', async () => {
    const out = await toy.client.send(new CreateRepositoryCommand({ repositoryName: 'team/app' }));
    expect(out.repository).toEqual({
      repositoryName: 'team/app',
      registryId: ACCOUNT,
      repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/team/app`,
      repositoryUri: `${ACCOUNT}.dkr.ecr.${REGION}.berth.test/team/app`,
      createdAt: new Date('2024-03-01T12:34:56.789Z'),
      imageTagMutability: 'MUTABLE',
    });
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives the authenticate hook the request as signed, with the body hash', async () => {
    toy.authRequests.length = 0;
    await toy.client.send(new DescribeRepositoriesCommand({}));
    const [seen] = toy.authRequests;
    expect(seen).toMatchObject({ method: 'POST', rawPath: '/', rawQuery: '', sourceIp: '127.0.0.1' });
    expect(seen!.headers['x-amz-target']).toEqual(['AmazonEC2ContainerRegistry_V20150921.DescribeRepositories']);
    expect(seen!.headers.authorization?.[0]).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
    expect(seen!.payloadSha256).toBe(sha256Hex('{}'));
  });

  it('acts on the registryId of the request when given, else on the caller account', async () => {
    seedRepos(toy.repos, 1, '444455556666');
    const other = await toy.client.send(new DescribeRepositoriesCommand({ registryId: '444455556666' }));
    expect(other.repositories?.map((r) => r.registryId)).toEqual(['444455556666']);
    const own = await toy.client.send(new DescribeRepositoriesCommand({}));
    expect(own.repositories).toEqual([]);
  });

  it('surfaces domain errors as the typed SDK exceptions with their messages', async () => {
    await toy.client.send(new CreateRepositoryCommand({ repositoryName: 'dup' }));
    const dup = await rejection(toy.client.send(new CreateRepositoryCommand({ repositoryName: 'dup' })));
    expect(dup).toBeInstanceOf(RepositoryAlreadyExistsException);
    expect(dup.message).toBe(`The repository with name 'dup' already exists in the registry with id '${ACCOUNT}'`);
    expect(dup.$metadata.httpStatusCode).toBe(400);
    expect(dup.$fault).toBe('client');

    const missing = await rejection(toy.client.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] })));
    expect(missing).toBeInstanceOf(RepositoryNotFoundException);
    expect(missing.message).toBe(`The repository with name 'nope' does not exist in the registry with id '${ACCOUNT}'`);
  });

  it('answers unexpected failures with ServerException and no internals', async () => {
    const err = await rejection(toy.client.send(new DeleteRepositoryCommand({ repositoryName: 'x1' })));
    expect(err).toBeInstanceOf(ServerException);
    expect(err.$metadata.httpStatusCode).toBe(500);
    expect(err.message).not.toMatch(/hunter2|postgres/);
  });

  it('answers a model operation without a handler with UnknownOperationException naming it', async () => {
    const err = await rejection(toy.client.send(new PutImageCommand({ repositoryName: 'x1', imageManifest: '{}' })));
    expect(err.name).toBe('UnknownOperationException');
    expect(err.message).toBe('Berth does not implement the ECR operation PutImage');
    expect(err.$metadata.httpStatusCode).toBe(400);
  });

  it('decodes blobs for the handler and encodes timestamps with fractions', async () => {
    const out = await toy.client.send(
      new UploadLayerPartCommand({
        repositoryName: 'team/app',
        uploadId: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
        partFirstByte: 10,
        partLastByte: 14,
        layerPartBlob: new Uint8Array([1, 2, 3, 4, 5]),
      }),
    );
    expect(out.lastByteReceived).toBe(14);
    const token = await toy.client.send(new GetAuthorizationTokenCommand({}));
    expect(token.authorizationData?.[0]?.expiresAt).toEqual(new Date('2030-01-02T03:04:05.500Z'));
    expect(token.authorizationData?.[0]?.proxyEndpoint).toBe(`https://${ACCOUNT}.dkr.ecr.${REGION}.berth.test`);
  });
});

describe('input validation seen through the SDK', () => {
  async function invalid(input: Promise<unknown>): Promise<string> {
    const err = await rejection(input);
    expect(err).toBeInstanceOf(InvalidParameterException);
    expect(err.$metadata.httpStatusCode).toBe(400);
    return err.message;
  }
  const create = (input: Partial<CreateRepositoryCommandInput>): Promise<unknown> =>
    toy.client.send(new CreateRepositoryCommand(input as CreateRepositoryCommandInput));

  it('pattern', async () => {
    expect(await invalid(create({ repositoryName: 'Team/App' }))).toBe(
      "Invalid parameter at 'repositoryName' failed to satisfy constraint: " +
        "'must satisfy regular expression '[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*''",
    );
    // The pattern must match the whole value, not a part of it.
    expect(await invalid(create({ repositoryName: 'app!' }))).toMatch(/^Invalid parameter at 'repositoryName'/);
  });

  it('string length, both bounds', async () => {
    expect(await invalid(create({ repositoryName: 'a' }))).toBe(
      "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length greater than or equal to 2'",
    );
    expect(await invalid(create({ repositoryName: 'a'.repeat(257) }))).toBe(
      "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length less than or equal to 256'",
    );
  });

  it('enum', async () => {
    const message = await invalid(create({ repositoryName: 'ok-name', imageTagMutability: 'SOMETIMES' as 'MUTABLE' }));
    expect(message).toBe(
      "Invalid parameter at 'imageTagMutability' failed to satisfy constraint: " +
        "'Member must satisfy enum value set: [MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION]'",
    );
  });

  it('required member', async () => {
    expect(await invalid(create({}))).toBe("Invalid parameter at 'repositoryName' failed to satisfy constraint: 'Member must not be null'");
    expect(await invalid(create({ repositoryName: 'ok-name', tags: [{ Key: 'team' } as { Key: string; Value: string }] }))).toBe(
      "Invalid parameter at 'Value' failed to satisfy constraint: 'Member must not be null'",
    );
  });

  it('number range', async () => {
    expect(await invalid(toy.client.send(new DescribeRepositoriesCommand({ maxResults: 0 })))).toBe(
      "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value greater than or equal to 1'",
    );
    expect(await invalid(toy.client.send(new DescribeRepositoriesCommand({ maxResults: 1001 })))).toBe(
      "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value less than or equal to 1000'",
    );
  });

  it('list length and list members', async () => {
    expect(await invalid(toy.client.send(new DescribeRepositoriesCommand({ repositoryNames: [] })))).toBe(
      "Invalid parameter at 'repositoryNames' failed to satisfy constraint: 'Member must have length greater than or equal to 1'",
    );
    const names = Array.from({ length: 101 }, (_, i) => `r${i}`);
    expect(await invalid(toy.client.send(new DescribeRepositoriesCommand({ repositoryNames: names })))).toBe(
      "Invalid parameter at 'repositoryNames' failed to satisfy constraint: 'Member must have length less than or equal to 100'",
    );
    expect(await invalid(toy.client.send(new GetAuthorizationTokenCommand({ registryIds: ['12345'] })))).toBe(
      "Invalid parameter at 'registryIds' failed to satisfy constraint: " +
        "'Member must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]{12}]'",
    );
  });

  it('runs no handler for an invalid request', async () => {
    await invalid(create({ repositoryName: 'a' }));
    expect(toy.repos).toEqual([]);
  });
});

describe('pagination through the SDK paginator', () => {
  it('walks every page with maxResults, each item once, in order', async () => {
    seedRepos(toy.repos, 23);
    const pages: string[][] = [];
    for await (const page of paginateDescribeRepositories({ client: toy.client, pageSize: 5 }, {})) {
      pages.push((page.repositories ?? []).map((r) => r.repositoryName!));
    }
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flat()).toEqual(toy.repos.map((r) => r.name));
  });

  it('pages by 100 when maxResults is absent, and sends no token after the last page', async () => {
    seedRepos(toy.repos, 100);
    const first = await toy.client.send(new DescribeRepositoriesCommand({}));
    expect(first.repositories).toHaveLength(100);
    expect(first.nextToken).toBeUndefined();
    seedRepos(toy.repos, 1, ACCOUNT);
    toy.repos[100]!.name = 'zz-last';
    const again = await toy.client.send(new DescribeRepositoriesCommand({}));
    expect(again.repositories).toHaveLength(100);
    expect(again.nextToken).toEqual(expect.any(String));
  });

  it('refuses a tampered token and a token used with other filters', async () => {
    seedRepos(toy.repos, 4);
    const first = await toy.client.send(new DescribeRepositoriesCommand({ maxResults: 2 }));
    const token = first.nextToken!;
    const [payload, mac] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), p: 'team/repo-000' }))
      .toString('base64url');
    for (const bad of [`${forged}.${mac}`, `${payload}.${mac.slice(0, -2)}AA`, 'garbage']) {
      const err = await rejection(toy.client.send(new DescribeRepositoriesCommand({ maxResults: 2, nextToken: bad })));
      expect(err).toBeInstanceOf(InvalidParameterException);
      expect(err.message).toBe("Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'");
    }
    const otherFilter = await rejection(
      toy.client.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/repo-000'], nextToken: token })),
    );
    expect(otherFilter).toBeInstanceOf(InvalidParameterException);
    // Page size may change between pages.
    const second = await toy.client.send(new DescribeRepositoriesCommand({ maxResults: 3, nextToken: token }));
    expect(second.repositories?.map((r) => r.repositoryName)).toEqual(['team/repo-002', 'team/repo-003']);
  });
});
