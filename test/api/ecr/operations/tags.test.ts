/** TagResource, UntagResource, ListTagsForResource on repository ARNs. */
import { describe, expect, it } from 'vitest';
import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  InvalidParameterException,
  InvalidTagParameterException,
  ListTagsForResourceCommand,
  RepositoryNotFoundException,
  TagResourceCommand,
  TooManyTagsException,
  UntagResourceCommand,
} from '@aws-sdk/client-ecr';
import { ACCOUNT, REGION, rejection, uniqueName, useBerth } from './harness.js';

const berth = useBerth();

async function repositoryArn(): Promise<string> {
  const { repository } = await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: uniqueName('tags') }));
  return repository!.repositoryArn!;
}

const list = async (resourceArn: string) => (await berth().ecr.send(new ListTagsForResourceCommand({ resourceArn }))).tags;

describe('resource tags', () => {
  it('adds, overwrites, lists and removes tags', async () => {
    const arn = await repositoryArn();
    expect(await list(arn)).toEqual([]);
    await berth().ecr.send(new TagResourceCommand({ resourceArn: arn, tags: [{ Key: 'team', Value: 'a' }, { Key: 'env', Value: '' }] }));
    await berth().ecr.send(new TagResourceCommand({ resourceArn: arn, tags: [{ Key: 'team', Value: 'b' }, { Key: 'Name', Value: 'ünïcode +-=._:/@' }] }));
    expect(await list(arn)).toEqual([
      { Key: 'Name', Value: 'ünïcode +-=._:/@' },
      { Key: 'env', Value: '' },
      { Key: 'team', Value: 'b' },
    ]);
    await berth().ecr.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team', 'absent'] }));
    expect((await list(arn))?.map((t) => t.Key)).toEqual(['Name', 'env']);
  });

  it('stops at 50 tags per repository, changing nothing', async () => {
    const arn = await repositoryArn();
    await berth().ecr.send(new TagResourceCommand({ resourceArn: arn, tags: Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) }));
    await berth().ecr.send(new TagResourceCommand({ resourceArn: arn, tags: [{ Key: 'k0', Value: 'overwritten' }, { Key: 'k49', Value: 'v' }] }));
    const tooMany = await rejection(berth().ecr.send(new TagResourceCommand({ resourceArn: arn, tags: [{ Key: 'k0', Value: 'again' }, { Key: 'k50', Value: 'v' }] })));
    expect(tooMany).toBeInstanceOf(TooManyTagsException);
    const tags = await list(arn);
    expect(tags).toHaveLength(50);
    expect(tags?.find((t) => t.Key === 'k0')?.Value).toBe('overwritten');
  });

  it('refuses reserved, oversized, duplicate and ill-formed tags', async () => {
    const arn = await repositoryArn();
    for (const tags of [
      [{ Key: 'aws:created-by', Value: 'x' }],
      [{ Key: 'AWS:x', Value: 'x' }],
      [{ Key: 'k'.repeat(129), Value: 'x' }],
      [{ Key: 'k', Value: 'v'.repeat(257) }],
      [{ Key: 'k', Value: 'a' }, { Key: 'k', Value: 'b' }],
      [{ Key: 'semi;colon', Value: 'x' }],
      [{ Key: '', Value: 'x' }],
    ]) {
      const err = await rejection(berth().ecr.send(new TagResourceCommand({ resourceArn: arn, tags })));
      expect([err.name, tags[0]!.Key]).toEqual(['InvalidTagParameterException', tags[0]!.Key]);
    }
    expect(await rejection(berth().ecr.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['aws:x'] })))).toBeInstanceOf(InvalidTagParameterException);
    expect(await list(arn)).toEqual([]);
  });

  it('refuses ARNs that name no repository of this deployment, and names missing repositories', async () => {
    for (const resourceArn of [
      'not-an-arn',
      `arn:aws:ecr:us-west-2:${ACCOUNT}:repository/x/y`,
      `arn:aws:s3:::bucket`,
      `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/Bad Name`,
    ]) {
      expect(await rejection(berth().ecr.send(new ListTagsForResourceCommand({ resourceArn })))).toBeInstanceOf(InvalidParameterException);
    }
    const missing = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/absent/repo`;
    expect(await rejection(berth().ecr.send(new TagResourceCommand({ resourceArn: missing, tags: [{ Key: 'k', Value: 'v' }] })))).toBeInstanceOf(
      RepositoryNotFoundException,
    );
    expect(await rejection(berth().ecr.send(new ListTagsForResourceCommand({ resourceArn: missing })))).toBeInstanceOf(RepositoryNotFoundException);
  });

  it('go with their repository: a new repository of the same name starts untagged', async () => {
    const arn = await repositoryArn();
    await berth().ecr.send(new TagResourceCommand({ resourceArn: arn, tags: [{ Key: 'k', Value: 'v' }] }));
    const name = arn.slice(arn.indexOf('repository/') + 'repository/'.length);
    expect(await berth().app.store.repositoryTags.getRepositoryTags((await berth().app.registry.repositories.get({ accountId: ACCOUNT, name })).id)).toEqual([
      { key: 'k', value: 'v' },
    ]);
    await berth().ecr.send(new DeleteRepositoryCommand({ repositoryName: name }));
    await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    expect(await list(arn)).toEqual([]);
  });
});
