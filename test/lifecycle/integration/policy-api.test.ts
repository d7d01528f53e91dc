/**
 * Put/Get/DeleteLifecyclePolicy and Start/GetLifecyclePolicyPreview through the SDK: ECR's shapes,
 * validation and exceptions, preview status, pagination and filters. The job runner is left
 * stopped here so a preview can be seen IN_PROGRESS; tests run its job with `app.jobs.pollOnce()`.
 */
import { describe, expect, it } from 'vitest';
import {
  DeleteLifecyclePolicyCommand,
  GetLifecyclePolicyCommand,
  GetLifecyclePolicyPreviewCommand,
  InvalidParameterException,
  LifecyclePolicyNotFoundException,
  LifecyclePolicyPreviewInProgressException,
  LifecyclePolicyPreviewNotFoundException,
  PutLifecyclePolicyCommand,
  RepositoryNotFoundException,
  StartLifecyclePolicyPreviewCommand,
} from '@aws-sdk/client-ecr';
import { ACCOUNT, completedPreview, rejection, uniqueName, useLifecycleBerth } from './harness.js';
import { buildScenario } from './scenario.js';

const berth = useLifecycleBerth({}, { background: false });

const text = (rules: unknown[]) => JSON.stringify({ rules }, null, 2);
const KEEP_TWO = text([{ rulePriority: 1, description: 'keep two', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 }, action: { type: 'expire' } }]);
const FRAME = "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ";

async function emptyRepository(): Promise<string> {
  return (await buildScenario(berth(), [])).repositoryName;
}

/** Runs queued jobs until the repository's preview has settled. */
async function finishPreview(repositoryName: string) {
  await berth().app.jobs.pollOnce();
  return completedPreview(berth().ecr, repositoryName);
}

describe('PutLifecyclePolicy, GetLifecyclePolicy, DeleteLifecyclePolicy', () => {
  it('store the text verbatim and answer with ECR\'s members', async () => {
    const repositoryName = await emptyRepository();
    const odd = `  ${KEEP_TWO.replace(/\n/g, '\r\n')}  `;
    expect(await berth().ecr.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: odd }))).toMatchObject({
      registryId: ACCOUNT,
      repositoryName,
      lifecyclePolicyText: odd,
    });
    const got = await berth().ecr.send(new GetLifecyclePolicyCommand({ repositoryName }));
    expect(got).toMatchObject({ registryId: ACCOUNT, repositoryName, lifecyclePolicyText: odd });
    // Never evaluated yet: no lastEvaluatedAt at all (not 1970-01-01).
    expect(got).not.toHaveProperty('lastEvaluatedAt');
    await berth().ecr.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: KEEP_TWO }));
    expect((await berth().ecr.send(new GetLifecyclePolicyCommand({ repositoryName }))).lifecyclePolicyText).toBe(KEEP_TWO);

    const deleted = await berth().ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName }));
    expect(deleted).toMatchObject({ registryId: ACCOUNT, repositoryName, lifecyclePolicyText: KEEP_TWO });
    expect(deleted).not.toHaveProperty('lastEvaluatedAt');
    const expected = `Lifecycle policy does not exist for the repository with name '${repositoryName}' in the registry with id '${ACCOUNT}'`;
    for (const call of [new GetLifecyclePolicyCommand({ repositoryName }), new DeleteLifecyclePolicyCommand({ repositoryName })]) {
      const err = await rejection(berth().ecr.send(call as GetLifecyclePolicyCommand));
      expect(err).toBeInstanceOf(LifecyclePolicyNotFoundException);
      expect(err.message).toBe(expected);
    }
  });

  it('reject invalid policies with InvalidParameterException naming the problem', async () => {
    const repositoryName = await emptyRepository();
    const put = (lifecyclePolicyText: string) => rejection(berth().ecr.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText })));

    const notJson = await put(`${'{'.padEnd(120, ' ')}`);
    expect(notJson).toBeInstanceOf(InvalidParameterException);
    expect(notJson.message.startsWith(FRAME)).toBe(true);
    expect(notJson.message).toContain('not valid JSON');

    const noPrefix = await put(text([{ rulePriority: 1, selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }]));
    expect(noPrefix).toBeInstanceOf(InvalidParameterException);
    expect(noPrefix.message).toContain('Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED');

    const shortArchive = await put(
      text([{ rulePriority: 1, selection: { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 30 }, action: { type: 'expire' } }]),
    );
    expect(shortArchive.message).toContain('at least 90');

    // 30,720 characters is ECR's limit: exactly that is accepted, one more is not.
    const atLimit = KEEP_TWO.padEnd(30_720, ' ');
    await berth().ecr.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: atLimit }));
    const tooLong = await put(`${atLimit} `);
    expect(tooLong).toBeInstanceOf(InvalidParameterException);
    expect(tooLong.message).toContain('30720');
    // A refused put leaves the previous policy in place.
    expect((await berth().ecr.send(new GetLifecyclePolicyCommand({ repositoryName }))).lifecyclePolicyText).toBe(atLimit);

    const missing = await rejection(berth().ecr.send(new PutLifecyclePolicyCommand({ repositoryName: uniqueName('none'), lifecyclePolicyText: KEEP_TWO })));
    expect(missing).toBeInstanceOf(RepositoryNotFoundException);
  });
});

describe('StartLifecyclePolicyPreview and GetLifecyclePolicyPreview', () => {
  it('need a policy and a preview, and allow one preview in progress at a time', async () => {
    const repositoryName = await emptyRepository();
    expect(await rejection(berth().ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName })))).toBeInstanceOf(LifecyclePolicyPreviewNotFoundException);
    expect(await rejection(berth().ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName })))).toBeInstanceOf(LifecyclePolicyNotFoundException);
    expect(
      await rejection(berth().ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName, lifecyclePolicyText: '{"rules": []}'.padEnd(100, ' ') }))),
    ).toBeInstanceOf(InvalidParameterException);

    // A preview of text that is not (yet) the repository's policy.
    const started = await berth().ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName, lifecyclePolicyText: KEEP_TWO }));
    expect(started).toMatchObject({ registryId: ACCOUNT, repositoryName, lifecyclePolicyText: KEEP_TWO, status: 'IN_PROGRESS' });
    const pending = await berth().ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName }));
    expect(pending).toMatchObject({ status: 'IN_PROGRESS', lifecyclePolicyText: KEEP_TWO, previewResults: [] });
    expect(pending.summary).toBeUndefined();
    expect(await rejection(berth().ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName, lifecyclePolicyText: KEEP_TWO })))).toBeInstanceOf(
      LifecyclePolicyPreviewInProgressException,
    );
    const done = await finishPreview(repositoryName);
    expect(done).toMatchObject({ status: 'COMPLETE', previewResults: [], summary: { expiringImageTotalCount: 0 } });
    expect(done.summary!.transitioningImageTotalCounts).toBeUndefined();
    // Nothing was stored as the repository's policy.
    expect(await rejection(berth().ecr.send(new GetLifecyclePolicyCommand({ repositoryName })))).toBeInstanceOf(LifecyclePolicyNotFoundException);
  });

  it('pages results oldest first, filters by tag status and image id, and sums every result', async () => {
    const scenario = await buildScenario(berth(), [
      { name: 'a', tags: ['a1'], pushed: 400 },
      { name: 'b', tags: [], pushed: 300 },
      { name: 'c', tags: ['c1', 'c2'], pushed: 200 },
      { name: 'd', tags: [], pushed: 100 },
      { name: 'e', tags: ['e1'], pushed: 50 },
      { name: 'f', tags: ['f1'], pushed: 5 },
      { name: 'g', tags: [], pushed: 1 },
    ]);
    const { repositoryName, digestOf, nameOf } = scenario;
    const policy = text([
      // d is untagged but only 100 days old: rule 1 selects it and leaves it, so rule 2 may not archive it.
      { rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 150 }, action: { type: 'expire' } },
      { rulePriority: 2, selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }, action: { type: 'transition', targetStorageClass: 'archive' } },
    ]);
    await berth().ecr.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: policy }));
    // Without text, the preview is of the repository's policy.
    expect((await berth().ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName }))).lifecyclePolicyText).toBe(policy);
    await finishPreview(repositoryName);

    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await berth().ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName, maxResults: 2, nextToken }));
      expect(page.summary).toEqual({ expiringImageTotalCount: 1, transitioningImageTotalCounts: [{ targetStorageClass: 'ARCHIVE', imageTotalCount: 3 }] });
      pages.push(page.previewResults!.map((r) => nameOf.get(r.imageDigest!)!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pages).toEqual([['a', 'b'], ['c', 'e']]);

    const all = await berth().ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName }));
    expect(all.previewResults![0]).toEqual({
      imageTags: ['a1'],
      imageDigest: digestOf.get('a'),
      imagePushedAt: expect.any(Date),
      action: { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' },
      appliedRulePriority: 2,
      storageClass: 'STANDARD',
    });
    expect(all.previewResults![1]).toMatchObject({ imageDigest: digestOf.get('b'), action: { type: 'EXPIRE' }, appliedRulePriority: 1 });
    expect(all.previewResults![1]!.imageTags).toBeUndefined();

    const names = async (input: Partial<ConstructorParameters<typeof GetLifecyclePolicyPreviewCommand>[0]>) =>
      ((await berth().ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName, ...input }))).previewResults ?? []).map((r) => nameOf.get(r.imageDigest!));
    expect(await names({ filter: { tagStatus: 'UNTAGGED' } })).toEqual(['b']);
    expect(await names({ filter: { tagStatus: 'TAGGED' } })).toEqual(['a', 'c', 'e']);
    expect(await names({ imageIds: [{ imageTag: 'c2' }, { imageDigest: digestOf.get('b') }, { imageTag: 'f1' }] })).toEqual(['b', 'c']);

    const mixed = await rejection(berth().ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName, imageIds: [{ imageTag: 'a1' }], maxResults: 5 })));
    expect(mixed).toBeInstanceOf(InvalidParameterException);
    // A token is bound to the filter it was issued for.
    const first = await berth().ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName, maxResults: 1 }));
    const foreign = await rejection(
      berth().ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName, maxResults: 1, nextToken: first.nextToken, filter: { tagStatus: 'TAGGED' } })),
    );
    expect(foreign).toBeInstanceOf(InvalidParameterException);
  });
});
