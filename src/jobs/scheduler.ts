import type { JobStore } from '../metadata/job-store.js';
import { type Clock, systemClock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { type JobPayload, type JobType, newJob } from './define.js';
import type { JobRunner } from './runner.js';

/** A recurring job: one occurrence queued at a time, the next one `intervalMs` after it settles. */
export interface Schedule<P extends JobPayload = JobPayload> {
  /** Names the schedule (its jobs' dedupe key): renaming one starts a new schedule. */
  readonly name: string;
  readonly job: JobType<P>;
  readonly payload: P;
  readonly intervalMs: number;
  /** When the first occurrence after a start runs (default: one interval). */
  readonly firstDelayMs?: number;
}

/** Declares a schedule, typed by its job. */
export function defineSchedule<P extends JobPayload>(schedule: Schedule<P>): Schedule<P> {
  return Object.freeze({ ...schedule });
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
    runner: JobRunner,
    private readonly log: Logger,
    private readonly now: Clock = systemClock,
  ) {
    runner.onSettled(async (job) => {
      const name = job.dedupeKey?.startsWith(KEY_PREFIX) ? job.dedupeKey.slice(KEY_PREFIX.length) : undefined;
      const schedule = name && this.schedules.get(name);
      if (schedule) await this.enqueue(schedule, schedule.intervalMs);
    });
  }

  /** Declares a schedule and queues its next occurrence (unless one is queued already). */
  async every(schedule: Schedule): Promise<void> {
    this.schedules.set(schedule.name, schedule);
    await this.enqueue(schedule, schedule.firstDelayMs ?? schedule.intervalMs);
  }

  private async enqueue(schedule: Schedule, delayMs: number): Promise<void> {
    const now = this.now();
    const runAt = new Date(now.getTime() + delayMs);
    const job = await this.store.enqueue(newJob(schedule.job, schedule.payload, { runAt, dedupeKey: KEY_PREFIX + schedule.name }), now);
    this.log.debug({ schedule: schedule.name, jobId: job.id, runAt: job.runAt }, 'schedule queued');
  }
}
