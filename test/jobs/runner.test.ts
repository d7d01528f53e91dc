import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EventDispatcher } from '../../src/events/dispatcher.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { SqliteMetadataStore } from '../../src/metadata/sqlite/store.js';

const log = pino({ level: 'silent' });
const until = async (condition: () => Promise<boolean> | boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

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

  it('runs queued jobs and records their results', async () => {
    const store = open();
    const runner = new JobRunner(store.jobs, log, { pollIntervalMs: 20, now: () => new Date() });
    const seen: unknown[] = [];
    runner.register('echo', async (job) => {
      seen.push(job.payload);
      return { echoed: job.payload.value };
    });
    const job = await store.jobs.enqueue({ type: 'echo', payload: { value: 42 }, runAt: new Date() }, new Date());
    runner.start();
    await until(async () => (await store.jobs.get(job.id))?.status === 'succeeded');
    await runner.stop();
    expect(seen).toEqual([{ value: 42 }]);
    expect((await store.jobs.get(job.id))?.result).toEqual({ echoed: 42 });
  });

  it('retries a failing job with backoff and fails it for good after the last attempt', async () => {
    const store = open();
    const runner = new JobRunner(store.jobs, log, { pollIntervalMs: 10, now: () => new Date() });
    let calls = 0;
    runner.register(
      'flaky',
      async () => {
        calls++;
        throw new Error(`attempt ${calls} broke`);
      },
      { maxAttempts: 3, retryDelayMs: 5 },
    );
    const settled: string[] = [];
    runner.onSettled((_job, outcome) => {
      settled.push(outcome);
    });
    const job = await store.jobs.enqueue({ type: 'flaky', payload: {}, runAt: new Date() }, new Date());
    runner.start();
    await until(async () => (await store.jobs.get(job.id))?.status === 'failed');
    await runner.stop();
    expect(calls).toBe(3);
    expect(settled).toEqual(['failed']);
    expect((await store.jobs.get(job.id))?.lastError).toBe('attempt 3 broke');
  });

  it('respects per-type concurrency', async () => {
    const store = open();
    const runner = new JobRunner(store.jobs, log, { pollIntervalMs: 10, now: () => new Date() });
    let running = 0;
    let peak = 0;
    runner.register(
      'slow',
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 30));
        running--;
      },
      { concurrency: 2 },
    );
    for (let i = 0; i < 6; i++) await store.jobs.enqueue({ type: 'slow', payload: { i }, runAt: new Date() }, new Date());
    runner.start();
    await until(async () => (await store.jobs.list({ status: 'succeeded', limit: 10 })).length === 6);
    await runner.stop();
    expect(peak).toBe(2);
  });

  it('queues the next occurrence of a schedule when one settles, never two at once', async () => {
    const store = open();
    const runner = new JobRunner(store.jobs, log, { pollIntervalMs: 10, now: () => new Date() });
    const scheduler = new Scheduler(store.jobs, runner, log);
    let runs = 0;
    runner.register('tick', async () => {
      runs++;
    });
    await scheduler.every('ticker', 'tick', 30, {}, 0);
    await scheduler.every('ticker', 'tick', 30, {}, 0);
    runner.start();
    await until(() => runs >= 3);
    await runner.stop();
    const queued = await store.jobs.list({ type: 'tick', status: 'queued', limit: 10 });
    expect(queued.length).toBeLessThanOrEqual(1);
  });
});

describe('event dispatcher', () => {
  it('delivers committed events in order, at least once, retrying a failed batch', async () => {
    const store = SqliteMetadataStore.open(':memory:');
    try {
      const dispatcher = new EventDispatcher(store.events, log, { pollIntervalMs: 10, now: () => new Date() });
      const received: string[] = [];
      let failOnce = true;
      dispatcher.subscribe(
        'audit',
        async (events) => {
          if (failOnce) {
            failOnce = false;
            throw new Error('sink down');
          }
          received.push(...events.map((e) => e.type));
        },
        { types: ['a', 'c'] },
      );
      expect(await dispatcher.drain()).toBe(0);
      await store.events.append(['a', 'b', 'c'].map((type) => ({ type, occurredAt: new Date(), payload: {} })));
      dispatcher.start();
      await until(() => received.length === 2);
      await dispatcher.stop();
      expect(received).toEqual(['a', 'c']);
    } finally {
      await store.close();
    }
  });
});
