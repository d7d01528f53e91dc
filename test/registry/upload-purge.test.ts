/**
 * The hourly purge of idle uploads, driven by the app's clock: an upload idle longer than
 * uploads.staleAfterSeconds goes, one touched since stays. No sleeping: the test moves the clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BerthApp } from '../../src/app.js';
import { UPLOAD_PURGE_JOB } from '../../src/registry/upload-purge.js';
import { TestClock } from '../support/clock.js';
import { type TestServer, startServer } from '../support/server.js';

const MINUTE = 60_000;

describe('idle upload purge', () => {
  let server: TestServer;
  let app: BerthApp;
  let clock: TestClock;

  beforeEach(async () => {
    clock = new TestClock(new Date('2026-03-01T09:00:00Z'));
    server = await startServer({
      prefix: 'upload-purge',
      listen: false,
      config: { auth: { mode: 'none' }, uploads: { staleAfterSeconds: 3600 } },
      build: { clock: clock.now },
    });
    app = server.app;
  });
  afterEach(async () => {
    await server.close();
  });

  const startUpload = async () => {
    const res = await app.server.inject({ method: 'POST', url: '/v2/team/app/blobs/uploads/' });
    expect(res.statusCode).toBe(202);
    return String(res.headers.location);
  };
  const status = async (location: string) => (await app.server.inject({ method: 'GET', url: location })).statusCode;
  const purge = async () => {
    const job = await app.jobs.enqueue(UPLOAD_PURGE_JOB, {});
    expect(await app.jobs.pollOnce()).toBe(1);
    await app.jobs.idle();
    return app.store.jobs.get(job.id);
  };

  it('discards uploads idle past uploads.staleAfterSeconds by the app clock, and keeps the ones in use', async () => {
    const idle = await startUpload();
    const active = await startUpload();
    clock.advance(30 * MINUTE);
    const chunk = await app.server.inject({ method: 'PATCH', url: active, headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from('some bytes') });
    expect(chunk.statusCode).toBe(202);

    // Neither has been idle for an hour yet.
    expect((await purge())?.result).toEqual({ purged: 0 });
    clock.advance(30 * MINUTE + 1000);
    expect(await purge()).toMatchObject({ status: 'succeeded', result: { purged: 1 } });
    expect(await status(idle)).toBe(404);
    expect(await status(active)).toBe(204);

    clock.advance(30 * MINUTE);
    expect((await purge())?.result).toEqual({ purged: 1 });
    expect(await status(active)).toBe(404);
  });
});
