import type { Logger } from '../util/logger.js';
import type { JobStore } from '../metadata/job-store.js';
import type { JobRunner } from './runner.js';

interface Schedule {
  name: string;
  type: string;
  intervalMs: number;
  payload: Record<string, unknown>;
}

const KEY_PREFIX = 'schedule:';

/**
 * Recurring jobs (lifecycle runs, garbage collection, upload purge) as durable jobs: exactly one
 * occurrence of each schedule is queued at a time (dedupe key), and the next one is queued when
 * the current one settles, so schedules survive restarts and never run twice across nodes.
 */
export class Scheduler {
  private readonly schedules = new Map<string, Schedule>();

  constructor(
    private readonly store: JobStore,
    private readonly runner: JobRunner,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    runner.onSettled(async (job) => {
      const name = job.dedupeKey?.startsWith(KEY_PREFIX) ? job.dedupeKey.slice(KEY_PREFIX.length) : undefined;
      const schedule = name && this.schedules.get(name);
      if (schedule) await this.enqueue(schedule, schedule.intervalMs);
    });
  }

  /** Declares a schedule; its first occurrence runs after `firstDelayMs` (default: one interval). */
  async every(
    name: string,
    type: string,
    intervalMs: number,
    payload: Record<string, unknown> = {},
    firstDelayMs = intervalMs,
  ): Promise<void> {
    const schedule = { name, type, intervalMs, payload };
    this.schedules.set(name, schedule);
    await this.enqueue(schedule, firstDelayMs);
  }

  /** Runs a schedule's job now (e.g. `berth gc` on a live server): queues one if none is waiting. */
  async trigger(type: string, payload: Record<string, unknown>, dedupeKey?: string): Promise<number> {
    const job = await this.store.enqueue({ type, payload, dedupeKey, runAt: this.now() }, this.now());
    this.runner.poke();
    return job.id;
  }

  private async enqueue(schedule: Schedule, delayMs: number): Promise<void> {
    const now = this.now();
    const job = await this.store.enqueue(
      { type: schedule.type, payload: schedule.payload, dedupeKey: KEY_PREFIX + schedule.name, runAt: new Date(now.getTime() + delayMs) },
      now,
    );
    this.log.debug({ schedule: schedule.name, jobId: job.id, runAt: job.runAt }, 'schedule queued');
  }
}
