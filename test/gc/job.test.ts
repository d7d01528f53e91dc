import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BerthApp } from '../../src/app.js';
import { GC_COMPLETED_EVENT } from '../../src/gc/collector.js';
import { GC_JOB } from '../../src/gc/job.js';
import type { JobRecord } from '../../src/metadata/job-store.js';
import { eventually } from '../support/eventually.js';
import { type TestServer, startServer } from '../support/server.js';
import { bytes, key, pullVerified, pushImage } from './helpers/world.js';

describe('garbage collection as a scheduled job', () => {
  let server: TestServer;
  let app: BerthApp;

  beforeEach(async () => {
    server = await startServer({ prefix: 'gc-job', listen: false, config: { gc: { graceSeconds: 0, intervalSeconds: 6 * 3600 } } });
    app = server.app;
  });
  afterEach(async () => {
    await server.close();
  });

  function settled(id: number): Promise<JobRecord> {
    return eventually(async () => {
      const job = await app.store.jobs.get(id);
      return job?.status === 'succeeded' || job?.status === 'failed' ? job : undefined;
    }, `job ${id} to finish`);
  }

  it('is scheduled at the configured interval and reports its summary as the job result', async () => {
    const gone = await pushImage(app, 'team/app', [bytes(1000, 'job-a')], 'a');
    const stays = await pushImage(app, 'team/app', [bytes(2000, 'job-b')], 'b');
    await app.registry.manifests.delete(key('team/app'), gone.digest, { actor: 'test' });
    const before = Date.now();
    await app.startBackground();

    const [scheduled] = await app.store.jobs.list({ type: GC_JOB.type, status: 'queued', limit: 10 });
    expect(scheduled?.dedupeKey).toBe('schedule:gc');
    expect(scheduled!.runAt.getTime()).toBeGreaterThanOrEqual(before + 6 * 3600_000);

    const dry = await settled((await app.jobs.enqueue(GC_JOB, { dryRun: true })).id);
    expect(dry.result).toMatchObject({ dryRun: true, blobsDeleted: 2 });
    const run = await settled((await app.jobs.enqueue(GC_JOB, {})).id);
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
