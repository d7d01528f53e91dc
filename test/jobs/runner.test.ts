import pino from 'pino';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { outboxEvent } from '../../src/domain/events/index.js';
import { EventDispatcher } from '../../src/events/dispatcher.js';
import { defineSubscription } from '../../src/events/subscription.js';
import { defineJob, jobType } from '../../src/jobs/define.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { Scheduler, defineSchedule } from '../../src/jobs/scheduler.js';
import { SqliteMetadataStore } from '../../src/metadata/sqlite/store.js';
import { TestClock } from '../support/clock.js';
import { captureLogs } from '../support/log-capture.js';

const log = pino({ level: 'silent' });
const until = async (condition: () => Promise<boolean> | boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const START = new Date('2026-03-01T00:00:00Z');

const ECHO = jobType('echo', z.object({ value: z.number() }));
const EMPTY = z.object({});

describe('job runner', () => {
  const stores: SqliteMetadataStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });
  const open = () => {
    const store = SqliteMetadataStore.open(':memory:');
    stores.push(store);
    return store;
  };

  it('runs queued jobs with their parsed payload and records their results', async () => {
    const store = open();
    const runner = new JobRunner(store.jobs, log, { pollIntervalMs: 20 });
    const seen: unknown[] = [];
    runner.register(
      defineJob({
        ...ECHO,
        handler: async (payload) => {
          seen.push(payload);
          return { echoed: payload.value };
        },
      }),
    );
    const job = await runner.enqueue(ECHO, { value: 42 });
    runner.start();
    await until(async () => (await store.jobs.get(job.id))?.status === 'succeeded');
    await runner.stop();
    expect(seen).toEqual([{ value: 42 }]);
    expect((await store.jobs.get(job.id))?.result).toEqual({ echoed: 42 });
  });

  it('fails a job whose payload does not parse at once, naming the field, without calling the handler', async () => {
    const store = open();
    const runner = new JobRunner(store.jobs, log, { pollIntervalMs: 10 });
    let calls = 0;
    runner.register(
      defineJob({
        ...ECHO,
        maxAttempts: 5,
        handler: async () => {
          calls++;
        },
      }),
    );
    const settled: string[] = [];
    runner.onSettled((_job, outcome) => {
      settled.push(outcome);
    });
    // As an older or foreign writer might have stored it.
    const job = await store.jobs.enqueue({ type: ECHO.type, payload: { value: 'forty-two' }, runAt: new Date() }, new Date());
    await runner.pollOnce();
    await runner.idle();
    const failed = await store.jobs.get(job.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed?.lastError).toBe('job echo has an invalid payload: payload.value: Expected number, received string');
    expect(calls).toBe(0);
    expect(settled).toEqual(['failed']);
  });

  it('retries a failing job with backoff and fails it for good after the last attempt', async () => {
    const store = open();
    const runner = new JobRunner(store.jobs, log, { pollIntervalMs: 10 });
    let calls = 0;
    const failedWith: string[] = [];
    const flaky = defineJob({
      ...jobType('flaky', EMPTY),
      maxAttempts: 3,
      retryDelayMs: 5,
      handler: async () => {
        calls++;
        throw new Error(`attempt ${calls} broke`);
      },
      onFailed: async (_payload, error) => {
        failedWith.push(error);
      },
    });
    runner.register(flaky);
    const settled: string[] = [];
    runner.onSettled((_job, outcome) => {
      settled.push(outcome);
    });
    const job = await runner.enqueue(flaky, {});
    runner.start();
    await until(async () => (await store.jobs.get(job.id))?.status === 'failed');
    await runner.stop();
    expect(calls).toBe(3);
    expect(settled).toEqual(['failed']);
    expect(failedWith).toEqual(['attempt 3 broke']);
    expect((await store.jobs.get(job.id))?.lastError).toBe('attempt 3 broke');
  });

  it('respects per-type concurrency', async () => {
    const store = open();
    const runner = new JobRunner(store.jobs, log, { pollIntervalMs: 10 });
    let running = 0;
    let peak = 0;
    const slow = defineJob({
      ...jobType('slow', z.object({ i: z.number() })),
      concurrency: 2,
      handler: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 30));
        running--;
      },
    });
    runner.register(slow);
    for (let i = 0; i < 6; i++) await runner.enqueue(slow, { i });
    runner.start();
    await until(async () => (await store.jobs.list({ status: 'succeeded', limit: 10 })).length === 6);
    await runner.stop();
    expect(peak).toBe(2);
  });

  it('queues the next occurrence of a schedule when one settles, never two at once', async () => {
    const store = open();
    const runner = new JobRunner(store.jobs, log, { pollIntervalMs: 10 });
    const scheduler = new Scheduler(store.jobs, runner, log);
    let runs = 0;
    const tick = defineJob({
      ...jobType('tick', EMPTY),
      handler: async () => {
        runs++;
      },
    });
    runner.register(tick);
    const ticker = defineSchedule({ name: 'ticker', job: tick, payload: {}, intervalMs: 30, firstDelayMs: 0 });
    await scheduler.every(ticker);
    await scheduler.every(ticker);
    runner.start();
    await until(() => runs >= 3);
    await runner.stop();
    const queued = await store.jobs.list({ type: 'tick', status: 'queued', limit: 10 });
    expect(queued.length).toBeLessThanOrEqual(1);
  });

  it('claims a job again once the lease of the node that took it has run out, by the injected clock', async () => {
    const store = open();
    const clock = new TestClock(START);
    const runner = new JobRunner(store.jobs, log, { now: clock.now });
    const ran: number[] = [];
    runner.register(
      defineJob({
        ...ECHO,
        leaseMs: 60_000,
        handler: async ({ value }) => {
          ran.push(value);
        },
      }),
    );
    const job = await runner.enqueue(ECHO, { value: 7 });
    // Another node claimed it and died: its lease holds for a minute of the clock.
    expect(await store.jobs.claim([ECHO.type], 'crashed-node', 60_000, clock.now())).toMatchObject({ id: job.id, attempts: 1 });
    expect(await runner.pollOnce()).toBe(0);
    clock.advance(59_999);
    expect(await runner.pollOnce()).toBe(0);
    clock.advance(2);
    expect(await runner.pollOnce()).toBe(1);
    await runner.idle();
    expect(ran).toEqual([7]);
    expect(await store.jobs.get(job.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('leases every job type for the runner-wide leaseMs when given (jobs.leaseSeconds), instead of its own', async () => {
    const store = open();
    const clock = new TestClock(START);
    const runner = new JobRunner(store.jobs, log, { now: clock.now, leaseMs: 5_000 });
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    runner.register(defineJob({ ...ECHO, leaseMs: 120_000, handler: async () => running }));
    const job = await runner.enqueue(ECHO, { value: 1 });
    expect(await runner.pollOnce()).toBe(1);
    expect(await store.jobs.get(job.id)).toMatchObject({ status: 'running', leaseUntil: new Date(START.getTime() + 5_000) });
    release();
    await runner.idle();
    expect((await store.jobs.get(job.id))?.status).toBe('succeeded');
  });

  it('queues a job due later, and runs it only once the clock reaches that time', async () => {
    const store = open();
    const clock = new TestClock(START);
    const runner = new JobRunner(store.jobs, log, { now: clock.now });
    runner.register(defineJob({ ...ECHO, handler: async () => undefined }));
    const job = await runner.enqueue(ECHO, { value: 1 }, { runAt: new Date(clock.now().getTime() + 3_600_000) });
    expect(await runner.pollOnce()).toBe(0);
    clock.advance(3_600_000);
    expect(await runner.pollOnce()).toBe(1);
    await runner.idle();
    expect((await store.jobs.get(job.id))?.status).toBe('succeeded');
  });
});

describe('event dispatcher', () => {
  const pushed = (digest: string) =>
    outboxEvent('image.pushed', {
      accountId: '111122223333',
      occurredAt: new Date(),
      payload: { repositoryName: 'team/app', actor: 'anonymous', digest, tag: null, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: null },
    });
  const deleted = outboxEvent('repository.deleted', {
    accountId: '111122223333',
    occurredAt: new Date(),
    payload: { repositoryName: 'team/app', actor: 'anonymous', force: true },
  });

  it('delivers committed events of the subscribed types in order, at least once, retrying a failed batch', async () => {
    const store = SqliteMetadataStore.open(':memory:');
    try {
      const dispatcher = new EventDispatcher(store.events, log, { pollIntervalMs: 10 });
      const received: string[] = [];
      let failOnce = true;
      dispatcher.subscribe(
        defineSubscription({
          name: 'audit',
          types: ['image.pushed'],
          handle: async (events) => {
            if (failOnce) {
              failOnce = false;
              throw new Error('sink down');
            }
            received.push(...events.map((e) => e.payload.digest));
          },
        }),
      );
      expect(await dispatcher.drain()).toBe(0);
      await store.events.append([pushed('sha256:a'), deleted, pushed('sha256:c')]);
      dispatcher.start();
      await until(() => received.length === 2);
      await dispatcher.stop();
      expect(received).toEqual(['sha256:a', 'sha256:c']);
    } finally {
      await store.close();
    }
  });

  it('logs, counts and skips an event that does not parse, and delivers the rest', async () => {
    const store = SqliteMetadataStore.open(':memory:');
    try {
      const logs = captureLogs();
      const dispatcher = new EventDispatcher(store.events, pino({ level: 'error' }, logs.stream));
      const received: string[] = [];
      dispatcher.subscribe(
        defineSubscription({
          name: 'pushes',
          types: ['image.pushed'],
          startAt: 'beginning',
          handle: async (events) => {
            received.push(...events.map((e) => e.payload.digest));
          },
        }),
      );
      // A writer that got the payload wrong (no digest) between two good events.
      const broken = { ...pushed('x'), payload: { repositoryName: 'team/app', actor: 'anonymous', tag: 'v1' } };
      await store.events.append([pushed('sha256:a'), broken as unknown as ReturnType<typeof pushed>, pushed('sha256:c')]);
      expect(await dispatcher.drain()).toBe(3);
      expect(received).toEqual(['sha256:a', 'sha256:c']);
      expect(dispatcher.skippedCount('pushes')).toBe(1);
      expect(logs.records()).toEqual([
        expect.objectContaining({ msg: 'event does not parse, skipped', subscriber: 'pushes', eventId: 2, eventType: 'image.pushed', err: expect.stringContaining('payload.digest: Required') }),
      ]);
    } finally {
      await store.close();
    }
  });
});
