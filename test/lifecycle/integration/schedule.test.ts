/** The lifecycle run as a recurring durable job (lifecycle.intervalSeconds). */
import { describe, expect, it } from 'vitest';
import { PutLifecyclePolicyCommand } from '@aws-sdk/client-ecr';
import { RUN_JOB } from '../../../src/lifecycle/index.js';
import { eventually } from '../../support/eventually.js';
import { useLifecycleBerth } from './harness.js';
import { buildScenario, imagesLeft } from './scenario.js';

const berth = useLifecycleBerth({ lifecycle: { intervalSeconds: 1 } });

const keepOne = JSON.stringify(
  { rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }] },
  null,
  2,
);

describe('scheduled lifecycle runs', () => {
  it('apply policies every intervalSeconds without being triggered', async () => {
    const scenario = await buildScenario(berth(), [
      { name: 'old', tags: ['v1'], pushed: 3 },
      { name: 'new', tags: ['v2'], pushed: 1 },
    ]);
    await berth().ecr.send(new PutLifecyclePolicyCommand({ repositoryName: scenario.repositoryName, lifecyclePolicyText: keepOne }));
    // The schedule runs by the app's clock: its first occurrence is due one interval after the start.
    berth().clock.advance(1000);
    await eventually(async () => ((await imagesLeft(berth(), scenario)).size === 1 ? true : undefined), 'the scheduled run', { timeoutMs: 15_000 });
    expect([...(await imagesLeft(berth(), scenario)).keys()]).toEqual(['new']);
    // Nobody triggered it: the run was an occurrence of the schedule.
    const runs = await berth().app.store.jobs.list({ type: RUN_JOB.type, status: 'succeeded', limit: 50 });
    expect(runs.some((job) => job.dedupeKey === 'schedule:lifecycle' && (job.result?.expired as number) >= 1)).toBe(true);
  });
});
