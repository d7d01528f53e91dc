/**
 * Lifecycle runs as durable jobs: a run does exactly what the preview showed, writes an event and
 * an audit record per expired or archived image, records lastEvaluatedAt, feeds sinceImagePulled
 * from recorded pulls (/v2 and BatchGetImage), and honours manifest lists.
 */
import { describe, expect, it } from 'vitest';
import { BatchDeleteImageCommand, BatchGetImageCommand, DescribeImagesCommand, GetLifecyclePolicyCommand } from '@aws-sdk/client-ecr';
import { OCI_INDEX, OCI_MANIFEST } from '../../support/media-types.js';
import { indexDocument } from '../../support/oci.js';
import { ACCOUNT, NOW, auditRecords, daysBefore, useLifecycleBerth } from './harness.js';
import { type ImageSpec, buildScenario, imagesLeft, putAndPreview, runLifecycle, runOutcome, withoutPriorities } from './scenario.js';

const berth = useLifecycleBerth();

const text = (rules: unknown[]) => JSON.stringify({ rules }, null, 2);

/** 60 images of varied ages, tags, pulls and storage classes (deterministic). */
function mixedRepository(): ImageSpec[] {
  const specs: ImageSpec[] = [];
  for (let i = 0; i < 60; i++) {
    const tags = [[], [`release-${i}`], [`feature-${i}`, `sha-${i}`], [`dev-${i}`]][i % 4]!;
    const spec: ImageSpec = { name: `img-${i}`, tags, pushed: 400 - i * 6.5 };
    if (i % 5 === 0) spec.pulled = (i * 7) % 120;
    if (i % 11 === 3) spec.archived = 100 + ((i * 13) % 300);
    specs.push(spec);
  }
  return specs;
}

const MIXED_POLICY = text([
  { rulePriority: 1, selection: { tagStatus: 'tagged', tagPrefixList: ['release-'], countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } },
  { rulePriority: 2, selection: { tagStatus: 'tagged', tagPatternList: ['feature-*', 'sha-*'], countType: 'sinceImagePulled', countUnit: 'days', countNumber: 60 }, action: { type: 'transition', targetStorageClass: 'archive' } },
  { rulePriority: 3, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 90 }, action: { type: 'expire' } },
  { rulePriority: 4, selection: { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 180 }, action: { type: 'expire' } },
  { rulePriority: 5, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 }, action: { type: 'expire' } },
]);

describe('a lifecycle run', () => {
  it('does exactly what the preview showed, and records events and audit records for every image', async () => {
    const scenario = await buildScenario(berth(), mixedRepository());
    const { outcome, results } = await putAndPreview(berth(), scenario, MIXED_POLICY);
    const actions = withoutPriorities(outcome);
    const expired = Object.keys(actions).filter((n) => actions[n] === 'EXPIRE');
    const archived = Object.keys(actions).filter((n) => actions[n] === 'TRANSITION');
    // The policy exercises every kind of rule: expire by count, by age, of archived images, and archive.
    expect(new Set(Object.values(outcome).map((v) => v.split(' by ')[1]))).toEqual(new Set(['1', '2', '3', '4', '5']));
    expect(results.map((r) => r.imagePushedAt!.getTime())).toEqual([...results.map((r) => r.imagePushedAt!.getTime())].sort((a, b) => a - b));

    const before = await imagesLeft(berth(), scenario);
    const summary = await runLifecycle(berth(), scenario);
    expect(summary).toMatchObject({ repositories: 1, expired: expired.length, archived: archived.length, skipped: 0, failed: 0 });
    expect(await runOutcome(berth(), scenario, before)).toEqual(actions);

    // Evaluated again at the same moment, the policy has nothing left to do (the newly archived
    // images are far from 180 days in the archive; every count is now within its limit).
    const again = await putAndPreview(berth(), scenario, MIXED_POLICY);
    expect(again.outcome).toEqual({});

    const records = await auditRecords(berth().app, scenario.repositoryName, ['lifecycle.image.expired', 'lifecycle.image.archived'], expired.length + archived.length);
    expect(records).toHaveLength(expired.length + archived.length);
    for (const record of records) {
      expect(record).toMatchObject({ actor: 'berth:lifecycle', action: 'ecr:PolicyExecutionEvent', accountId: ACCOUNT, outcome: 'succeeded' });
      const name = scenario.nameOf.get(String(record.detail?.digest))!;
      expect(`${record.detail?.event === 'lifecycle.image.expired' ? 'EXPIRE' : 'TRANSITION'} by ${record.detail?.rulePriority}`).toBe(outcome[name]);
    }
    // Expired images also went through the registry's delete: image.deleted names the rule.
    const deletions = await auditRecords(berth().app, scenario.repositoryName, ['image.deleted'], expired.length);
    expect(deletions.every((r) => r.actor === 'berth:lifecycle' && r.action === 'ecr:PolicyExecutionEvent' && typeof r.detail?.rulePriority === 'number')).toBe(true);

    const policy = await berth().ecr.send(new GetLifecyclePolicyCommand({ repositoryName: scenario.repositoryName }));
    expect(policy.lastEvaluatedAt).toEqual(NOW);
  });

  it('archives by last recorded pull time, whether the pull came over /v2 or BatchGetImage', async () => {
    const scenario = await buildScenario(berth(), [
      { name: 'pulled-v2', tags: ['a'], pushed: 200, pulled: 30 },
      { name: 'pulled-batch', tags: ['b'], pushed: 200 },
      { name: 'not-pulled', tags: ['c'], pushed: 200 },
    ]);
    berth().clock.set(daysBefore(20));
    await berth().ecr.send(new BatchGetImageCommand({ repositoryName: scenario.repositoryName, imageIds: [{ imageTag: 'b' }] }));
    await berth().app.registry.pulls.flush();
    berth().clock.set(NOW);
    const described = await berth().ecr.send(new DescribeImagesCommand({ repositoryName: scenario.repositoryName, imageIds: [{ imageTag: 'a' }, { imageTag: 'b' }, { imageTag: 'c' }] }));
    const pulls = Object.fromEntries(described.imageDetails!.map((d) => [scenario.nameOf.get(d.imageDigest!), d.lastRecordedPullTime]));
    expect(pulls).toEqual({ 'pulled-v2': daysBefore(30), 'pulled-batch': daysBefore(20), 'not-pulled': undefined });

    const { outcome } = await putAndPreview(
      berth(),
      scenario,
      text([{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 25 }, action: { type: 'transition', targetStorageClass: 'archive' } }]),
    );
    expect(outcome).toEqual({ 'pulled-v2': 'TRANSITION by 1', 'not-pulled': 'TRANSITION by 1' });
    const before = await imagesLeft(berth(), scenario);
    await runLifecycle(berth(), scenario);
    expect(await runOutcome(berth(), scenario, before)).toEqual({ 'pulled-v2': 'TRANSITION', 'not-pulled': 'TRANSITION' });
  });

  it('does not expire images a manifest list still references, and releases them once the list is gone', async () => {
    const scenario = await buildScenario(berth(), [
      { name: 'amd64', tags: [], pushed: 50 },
      { name: 'arm64', tags: [], pushed: 50 },
      { name: 'loose', tags: [], pushed: 50 },
    ]);
    const { v2, ecr } = berth();
    const child = (name: string) => ({ mediaType: OCI_MANIFEST, digest: scenario.digestOf.get(name)!, size: 1 });
    // Sizes must be right for a valid index: read each child back.
    const manifests = await Promise.all(['amd64', 'arm64'].map(async (n) => ({ ...child(n), size: (await (await v2.getManifest(scenario.repositoryName, scenario.digestOf.get(n)!)).text()).length })));
    berth().clock.set(daysBefore(40));
    const index = JSON.stringify(indexDocument({ manifests }));
    expect((await v2.putManifest(scenario.repositoryName, 'multi', index, OCI_INDEX)).status).toBe(201);
    berth().clock.set(NOW);
    const untagged = text([{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 10 }, action: { type: 'expire' } }]);
    expect((await putAndPreview(berth(), scenario, untagged)).outcome).toEqual({ loose: 'EXPIRE by 1' });
    await runLifecycle(berth(), scenario);
    const left = await imagesLeft(berth(), scenario); // the index has no name in the scenario
    expect([...left.keys()].filter((name) => name !== undefined).sort()).toEqual(['amd64', 'arm64']);

    // Once the index is gone (expired by a policy, or deleted), its children go on the next run.
    await ecr.send(new BatchDeleteImageCommand({ repositoryName: scenario.repositoryName, imageIds: [{ imageTag: 'multi' }] }));
    expect((await putAndPreview(berth(), scenario, untagged)).outcome).toEqual({ amd64: 'EXPIRE by 1', arm64: 'EXPIRE by 1' });
    await runLifecycle(berth(), scenario);
    expect((await imagesLeft(berth(), scenario)).size).toBe(0);
  });
});
