/**
 * Lifecycle with its metadata on PostgreSQL, end to end: a preview of a policy that expires and
 * archives, a run that does exactly what the preview showed (with events, audit records and the
 * policy's last evaluation), and an archived image restored by the durable restore job.
 */
import { DescribeImagesCommand, GetLifecyclePolicyCommand, UpdateImageStorageClassCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { V2, startEcrBerth } from '../../api/ecr/operations/harness.js';
import { withPostgres } from '../../engines/engines.js';
import { TestClock } from '../../support/clock.js';
import { eventually } from '../../support/eventually.js';
import { postgresMetadataConfig } from '../../support/postgres.js';
import { mergeConfig } from '../../support/server.js';
import { ACCOUNT, type LifecycleBerth, NOW, auditRecords, daysBefore } from '../integration/harness.js';
import { type ImageSpec, buildScenario, imagesLeft, putAndPreview, runLifecycle, runOutcome, withoutPriorities } from '../integration/scenario.js';

const POLICY = JSON.stringify({
  rules: [
    { rulePriority: 1, selection: { tagStatus: 'tagged', tagPrefixList: ['release-'], countType: 'imageCountMoreThan', countNumber: 2 }, action: { type: 'expire' } },
    { rulePriority: 2, selection: { tagStatus: 'tagged', tagPrefixList: ['feature-'], countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }, action: { type: 'transition', targetStorageClass: 'archive' } },
    { rulePriority: 3, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 60 }, action: { type: 'expire' } },
  ],
});

function images(): ImageSpec[] {
  const specs: ImageSpec[] = [];
  for (let i = 0; i < 12; i++) {
    const tags = [[], [`release-${i}`], [`feature-${i}`]][i % 3]!;
    const spec: ImageSpec = { name: `img-${i}`, tags, pushed: 200 - i * 15 };
    if (i % 3 === 2 && i > 6) spec.pulled = 5;
    specs.push(spec);
  }
  return specs;
}

withPostgres(({ url: server }) => {
  let berth: LifecycleBerth & { close(): Promise<void> };
  beforeAll(async () => {
    const clock = new TestClock(NOW);
    const config = mergeConfig(await postgresMetadataConfig(server), { lifecycle: { restoreDelaySeconds: 1 } });
    const started = await startEcrBerth({ prefix: 'lifecycle-pg', config, build: { clock: clock.now }, background: true });
    berth = { ...started, v2: new V2(started.url), clock };
  });
  afterAll(() => berth?.close());

  describe('lifecycle on postgresql', () => {
    it('runs exactly what the preview showed, with events, audit records and the evaluation time', async () => {
      const scenario = await buildScenario(berth, images());
      const { outcome } = await putAndPreview(berth, scenario, POLICY);
      expect(new Set(Object.values(outcome).map((v) => v.split(' by ')[1]))).toEqual(new Set(['1', '2', '3']));
      const actions = withoutPriorities(outcome);
      const expired = Object.values(actions).filter((a) => a === 'EXPIRE').length;
      const archived = Object.values(actions).filter((a) => a === 'TRANSITION').length;

      const before = await imagesLeft(berth, scenario);
      expect(await runLifecycle(berth, scenario)).toMatchObject({ repositories: 1, expired, archived, failed: 0 });
      expect(await runOutcome(berth, scenario, before)).toEqual(actions);
      expect((await putAndPreview(berth, scenario, POLICY)).outcome).toEqual({});

      const records = await auditRecords(berth.app, scenario.repositoryName, ['lifecycle.image.expired', 'lifecycle.image.archived'], expired + archived);
      expect(records.every((r) => r.actor === 'berth:lifecycle' && r.accountId === ACCOUNT && r.outcome === 'succeeded')).toBe(true);
      const policy = await berth.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: scenario.repositoryName }));
      expect(policy.lastEvaluatedAt).toEqual(NOW);

      // An image the run archived comes back through the restore job.
      const name = Object.keys(actions).find((n) => actions[n] === 'TRANSITION')!;
      const imageDigest = scenario.digestOf.get(name)!;
      berth.clock.set(daysBefore(-1));
      const restoring = await berth.ecr.send(new UpdateImageStorageClassCommand({ repositoryName: scenario.repositoryName, imageId: { imageDigest }, targetStorageClass: 'STANDARD' }));
      expect(restoring.imageStatus).toBe('ACTIVATING');
      // The restore job runs restoreDelaySeconds later by the app's clock: move it there.
      berth.clock.advance(1000);
      const restored = await eventually(async () => {
        const detail = (await berth.ecr.send(new DescribeImagesCommand({ repositoryName: scenario.repositoryName, imageIds: [{ imageDigest }] }))).imageDetails![0]!;
        return detail.imageStatus === 'ACTIVE' ? detail : undefined;
      }, 'the restore');
      expect(restored.lastActivatedAt).toEqual(new Date(daysBefore(-1).getTime() + 1000));
      expect((await berth.v2.getManifest(scenario.repositoryName, imageDigest)).status).toBe(200);
    });
  });
});
