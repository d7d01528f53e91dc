/**
 * Conditions read what the request and the repository carry: resource tags (ecr:ResourceTag),
 * tags a call sets (aws:RequestTag) and the caller's address (aws:SourceIp), on both APIs.
 */
import { CreateRepositoryCommand, TagResourceCommand } from '@aws-sdk/client-ecr';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_A, REGION, ROOT_KEY, useBerth } from './harness.js';
import { pushImage, type PushedImage } from './images.js';

const berth = useBerth();

let teamImage: PushedImage;
let otherImage: PushedImage;

beforeAll(async () => {
  const auth = await berth().login(ROOT_KEY);
  teamImage = await pushImage(berth(), auth, 'tagged/team');
  otherImage = await pushImage(berth(), auth, 'tagged/other');
  const client = berth().ecr(ROOT_KEY);
  await client.send(
    new TagResourceCommand({ resourceArn: `arn:aws:ecr:${REGION}:${ACCOUNT_A}:repository/tagged/team`, tags: [{ Key: 'team', Value: 'blue' }] }),
  );
  client.destroy();
});

describe('conditions', () => {
  it('ecr:ResourceTag lets a user pull only from repositories tagged for its team', async () => {
    const user = await berth().user(ACCOUNT_A, 'blue-puller', {
      p: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
          { Effect: 'Allow', Action: 'ecr:BatchGetImage', Resource: '*', Condition: { StringEquals: { 'ecr:ResourceTag/team': 'blue' } } },
        ],
      },
    });
    const auth = await berth().login(user);
    expect((await berth().v2('GET', `/v2/tagged/team/manifests/${teamImage.tag}`, { auth })).status).toBe(200);
    expect((await berth().v2('GET', `/v2/tagged/other/manifests/${otherImage.tag}`, { auth })).status).toBe(403);
  });

  it('aws:RequestTag makes CreateRepository require a tag', async () => {
    const user = await berth().user(ACCOUNT_A, 'tagging-creator', {
      p: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'ecr:CreateRepository', Resource: '*', Condition: { StringLike: { 'aws:RequestTag/owner': '?*' } } }],
      },
    });
    const client = berth().ecr(user);
    const refused = await client.send(new CreateRepositoryCommand({ repositoryName: 'tagged/untagged' })).catch((e: Error) => e);
    expect((refused as Error).name).toBe('AccessDeniedException');
    const created = await client.send(new CreateRepositoryCommand({ repositoryName: 'tagged/owned', tags: [{ Key: 'owner', Value: 'me' }] }));
    expect(created.repository?.repositoryName).toBe('tagged/owned');
    client.destroy();
  });

  it('aws:SourceIp in a Deny keeps callers outside a network out', async () => {
    const user = await berth().user(ACCOUNT_A, 'office-only', {
      p: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'ecr:*', Resource: '*' },
          { Effect: 'Deny', Action: 'ecr:*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
        ],
      },
    });
    // The token itself comes from GetAuthorizationToken, which the same Deny refuses from 127.0.0.1.
    const client = berth().ecr(user);
    const err = await client.send(new CreateRepositoryCommand({ repositoryName: 'tagged/ip' })).catch((e: Error) => e);
    client.destroy();
    expect((err as Error).name).toBe('AccessDeniedException');
    expect((err as Error).message).toContain('with an explicit deny in an identity-based policy');
  });
});
