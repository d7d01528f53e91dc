import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BerthApp, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { GC_COMPLETED_EVENT } from '../../src/gc/collector.js';
import { GC_JOB } from '../../src/gc/job.js';
import type { JobRecord } from '../../src/metadata/job-store.js';
import { bytes, key, pullVerified, pushImage } from './helpers/world.js';

describe('garbage collection as a scheduled job', () => {
  let app: BerthApp;
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-gc-job-'));
    const config = loadConfig({
      env: {},
      overrides: {
        dataDir,
        log: { level: 'silent' },
        storage: { filesystem: { fsync: false } },
        gc: { graceSeconds: 0, intervalSeconds: 6 * 3600 },
      },
    });
    app = await buildApp(config);
  });
  afterEach(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function settled(id: number): Promise<JobRecord> {
    for (let i = 0; i < 200; i++) {
      const job = await app.store.jobs.get(id);
      if (job?.status === 'succeeded' || job?.status === 'failed') return job;
      await sleep(50);
    }
    throw new Error(`job ${id} did not finish`);
  }

  it('is scheduled at the configured interval and reports its summary as the job result', async () => {
    const gone = await pushImage(app, 'team/app', [bytes(1000, 'job-a')], 'a');
    const stays = await pushImage(app, 'team/app', [bytes(2000, 'job-b')], 'b');
    await app.registry.manifests.delete(key('team/app'), gone.digest, { actor: 'test' });
    const before = Date.now();
    await app.startBackground();

    const [scheduled] = await app.store.jobs.list({ type: GC_JOB, status: 'queued', limit: 10 });
    expect(scheduled?.dedupeKey).toBe('schedule:gc');
    expect(scheduled!.runAt.getTime()).toBeGreaterThanOrEqual(before + 6 * 3600_000);

    const dry = await settled(await app.scheduler.trigger(GC_JOB, { dryRun: true }));
    expect(dry.result).toMatchObject({ dryRun: true, blobsDeleted: 2 });
    const run = await settled(await app.scheduler.trigger(GC_JOB, {}));
    expect(run.status).toBe('succeeded');
    expect(run.result).toMatchObject({
      dryRun: false,
      blobsDeleted: 2,
      blobBytesFreed: gone.blobs.reduce((sum, b) => sum + b.size, 0),
      remainingBlobs: 2,
    });
    const events = await app.store.events.list({ type: GC_COMPLETED_EVENT, limit: 10 });
    expect(events.map((e) => e.payload.blobsDeleted)).toEqual([2]);
    await pullVerified(app, stays);
  });
});
