/** CreateRepository, DescribeRepositories, DeleteRepository, PutImageTagMutability, DescribeRegistry. */
import { describe, expect, it } from 'vitest';
import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  InvalidParameterException,
  InvalidTagParameterException,
  ListTagsForResourceCommand,
  PutImageTagMutabilityCommand,
  RepositoryAlreadyExistsException,
  RepositoryNotEmptyException,
  RepositoryNotFoundException,
  SetRepositoryPolicyCommand,
  TooManyTagsException,
  paginateDescribeRepositories,
} from '@aws-sdk/client-ecr';
import { image } from '../../../support/oci.js';
import { ACCOUNT, REGION, V2, accountClient, rejection, uniqueName, useBerth, v2Of } from './harness.js';

const berth = useBerth();

describe('CreateRepository', () => {
  it('returns a repository whose ARN, registryId and URI are real: docker can push to the URI', async () => {
    const name = uniqueName('team');
    const { repository } = await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    const host = new URL(berth().url).host;
    expect(repository).toEqual({
      repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`,
      registryId: ACCOUNT,
      repositoryName: name,
      repositoryUri: `${host}/${name}`,
      createdAt: expect.any(Date),
      imageTagMutability: 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: false },
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
    expect(Math.abs(repository!.createdAt!.getTime() - Date.now())).toBeLessThan(60_000);
    const { v2, name: path } = V2.forUri(repository!.repositoryUri!);
    await v2.pushImage(path, 'v1', image());
    expect((await v2.getManifest(path, 'v1')).status).toBe(200);
  });

  it('records tag mutability with exclusion filters, scan-on-push, encryption and tags', async () => {
    const name = uniqueName();
    const { repository } = await berth().ecr.send(
      new CreateRepositoryCommand({
        repositoryName: name,
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }, { filterType: 'WILDCARD', filter: 'latest' }],
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: { encryptionType: 'KMS', kmsKey: `arn:aws:kms:${REGION}:${ACCOUNT}:key/abc` },
        tags: [{ Key: 'team', Value: 'platform' }, { Key: 'cost-center', Value: '42' }],
      }),
    );
    const expected = {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }, { filterType: 'WILDCARD', filter: 'latest' }],
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'KMS', kmsKey: `arn:aws:kms:${REGION}:${ACCOUNT}:key/abc` },
    };
    expect(repository).toMatchObject(expected);
    const described = await berth().ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    expect(described.repositories?.[0]).toMatchObject(expected);
    const tags = await berth().ecr.send(new ListTagsForResourceCommand({ resourceArn: repository!.repositoryArn }));
    expect(tags.tags).toEqual([{ Key: 'cost-center', Value: '42' }, { Key: 'team', Value: 'platform' }]);
  });

  it('gives the same defaults as a repository created by a /v2 push', async () => {
    const pushed = uniqueName('pushed');
    await v2Of(berth()).pushImage(pushed, 'v1', image());
    const created = uniqueName('created');
    await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: created }));
    const { repositories } = await berth().ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [pushed, created] }));
    const settings = repositories!.map(({ imageTagMutability, imageTagMutabilityExclusionFilters, imageScanningConfiguration, encryptionConfiguration }) => ({
      imageTagMutability,
      imageTagMutabilityExclusionFilters,
      imageScanningConfiguration,
      encryptionConfiguration,
    }));
    expect(settings[0]).toEqual(settings[1]);
  });

  it('refuses a duplicate name, an invalid name, and inconsistent settings', async () => {
    const name = uniqueName();
    await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    const dup = await rejection(berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name })));
    expect(dup).toBeInstanceOf(RepositoryAlreadyExistsException);
    expect(dup.message).toBe(`The repository with name '${name}' already exists in the registry with id '${ACCOUNT}'`);
    expect(await rejection(berth().ecr.send(new CreateRepositoryCommand({ repositoryName: 'Upper/Case' })))).toBeInstanceOf(InvalidParameterException);
    const cases = [
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' as const },
      { imageTagMutability: 'IMMUTABLE' as const, imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD' as const, filter: 'x*' }] },
      { imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD' as const, filter: 'x*' }] },
      { imageTagMutability: 'MUTABLE_WITH_EXCLUSION' as const, imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD' as const, filter: 'bad/char' }] },
      {
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION' as const,
        imageTagMutabilityExclusionFilters: Array.from({ length: 6 }, (_, i) => ({ filterType: 'WILDCARD' as const, filter: `f${i}*` })),
      },
      { encryptionConfiguration: { encryptionType: 'AES256' as const, kmsKey: 'arn:aws:kms:eu-west-1:111122223333:key/x' } },
    ];
    for (const settings of cases) {
      const err = await rejection(berth().ecr.send(new CreateRepositoryCommand({ repositoryName: uniqueName(), ...settings })));
      expect([err.name, JSON.stringify(settings)]).toEqual(['InvalidParameterException', JSON.stringify(settings)]);
    }
  });

  it('refuses tags AWS would refuse, creating nothing', async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const name = uniqueName();
    expect(await rejection(berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name, tags: tooMany })))).toBeInstanceOf(TooManyTagsException);
    for (const tags of [[{ Key: 'aws:owner', Value: 'x' }], [{ Key: 'k'.repeat(129), Value: 'x' }], [{ Key: 'k', Value: 'v'.repeat(257) }], [{ Key: 'bad{}', Value: 'x' }]]) {
      expect(await rejection(berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name, tags })))).toBeInstanceOf(InvalidTagParameterException);
    }
    expect(await rejection(berth().ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })))).toBeInstanceOf(RepositoryNotFoundException);
  });
});

describe('DescribeRepositories', () => {
  it('pages through more than 100 repositories with the SDK paginator, each exactly once', async () => {
    const own = new Set<string>();
    for (let i = 0; i < 130; i++) {
      const name = `paged/r-${String(i).padStart(3, '0')}`;
      own.add(name);
      await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    }
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeRepositories({ client: berth().ecr }, {})) {
      pages++;
      expect(page.repositories!.length).toBeLessThanOrEqual(100);
      seen.push(...page.repositories!.map((r) => r.repositoryName!));
    }
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    for (const name of own) expect(seen).toContain(name);
    const small: string[] = [];
    for await (const page of paginateDescribeRepositories({ client: berth().ecr, pageSize: 7 }, {})) small.push(...page.repositories!.map((r) => r.repositoryName!));
    expect(small).toEqual(seen);
  });

  it('names a missing repository, and refuses paging parameters with repositoryNames', async () => {
    const name = uniqueName();
    await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    const missing = await rejection(berth().ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name, 'absent/repo'] })));
    expect(missing).toBeInstanceOf(RepositoryNotFoundException);
    expect(missing.message).toBe(`The repository with name 'absent/repo' does not exist in the registry with id '${ACCOUNT}'`);
    expect(await rejection(berth().ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name], maxResults: 5 })))).toBeInstanceOf(InvalidParameterException);
    const badToken = await rejection(berth().ecr.send(new DescribeRepositoriesCommand({ nextToken: 'forged.token' })));
    expect(badToken).toBeInstanceOf(InvalidParameterException);
  });

  it("acts on the request's registryId, and gives another account's repository a URI that addresses that account", async () => {
    const other = '444455556666';
    const owner = await accountClient(berth(), other);
    const name = uniqueName();
    const host = new URL(berth().url).host;
    try {
      const created = await owner.send(new CreateRepositoryCommand({ repositoryName: name }));
      // To its own account the repository is at the shared host.
      expect(created.repository?.repositoryUri).toBe(`${host}/${name}`);
      await owner.send(
        new SetRepositoryPolicyCommand({
          repositoryName: name,
          policyText: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['ecr:DescribeRepositories'] }],
          }),
        }),
      );
    } finally {
      owner.destroy();
    }
    const { repositories } = await berth().ecr.send(new DescribeRepositoriesCommand({ registryId: other, repositoryNames: [name] }));
    expect(repositories?.[0]).toMatchObject({
      registryId: other,
      repositoryArn: `arn:aws:ecr:${REGION}:${other}:repository/${name}`,
      repositoryUri: `${other}.${host}/${name}`,
    });
    expect(await rejection(berth().ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })))).toBeInstanceOf(RepositoryNotFoundException);
  });
});

describe('DeleteRepository', () => {
  it('refuses a repository with images unless forced, then removes it and its images', async () => {
    const name = uniqueName();
    await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    await v2Of(berth()).pushImage(name, 'v1', image());
    const notEmpty = await rejection(berth().ecr.send(new DeleteRepositoryCommand({ repositoryName: name })));
    expect(notEmpty).toBeInstanceOf(RepositoryNotEmptyException);
    expect(notEmpty.message).toBe(`The repository with name '${name}' in registry with id '${ACCOUNT}' cannot be deleted because it still contains images`);
    const { repository } = await berth().ecr.send(new DeleteRepositoryCommand({ repositoryName: name, force: true }));
    expect(repository).toMatchObject({ repositoryName: name, registryId: ACCOUNT });
    expect(await rejection(berth().ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })))).toBeInstanceOf(RepositoryNotFoundException);
    expect((await v2Of(berth()).getManifest(name, 'v1')).status).toBe(404);
  });

  it('deletes an empty repository without force, and names a missing one', async () => {
    const name = uniqueName();
    await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    await berth().ecr.send(new DeleteRepositoryCommand({ repositoryName: name }));
    expect(await rejection(berth().ecr.send(new DeleteRepositoryCommand({ repositoryName: name })))).toBeInstanceOf(RepositoryNotFoundException);
  });
});

describe('PutImageTagMutability', () => {
  it('changes the setting and its filters, and validates them', async () => {
    const name = uniqueName();
    await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    const out = await berth().ecr.send(
      new PutImageTagMutabilityCommand({
        repositoryName: name,
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }],
      }),
    );
    expect(out).toMatchObject({
      registryId: ACCOUNT,
      repositoryName: name,
      imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }],
    });
    const back = await berth().ecr.send(new PutImageTagMutabilityCommand({ repositoryName: name, imageTagMutability: 'IMMUTABLE' }));
    expect(back.imageTagMutabilityExclusionFilters).toBeUndefined();
    const { repositories } = await berth().ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    expect(repositories?.[0]?.imageTagMutability).toBe('IMMUTABLE');
    expect(
      await rejection(berth().ecr.send(new PutImageTagMutabilityCommand({ repositoryName: name, imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' }))),
    ).toBeInstanceOf(InvalidParameterException);
    expect(
      await rejection(berth().ecr.send(new PutImageTagMutabilityCommand({ repositoryName: 'absent/repo', imageTagMutability: 'IMMUTABLE' }))),
    ).toBeInstanceOf(RepositoryNotFoundException);
  });
});

describe('DescribeRegistry', () => {
  it('describes the registry the call acts on, with no replication rules', async () => {
    expect(await berth().ecr.send(new DescribeRegistryCommand({}))).toMatchObject({ registryId: ACCOUNT, replicationConfiguration: { rules: [] } });
  });
});
