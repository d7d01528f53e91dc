import type { JobRecord, JobStore } from '../metadata/job-store.js';
import { type Clock, systemClock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import {
  type AnyJobDefinition,
  type EnqueueOptions,
  type JobPayload,
  type JobQueue,
  type JobType,
  newJob,
  parsePayload,
} from './define.js';
import { NODE_ID } from './node-id.js';

interface Registration {
  definition: AnyJobDefinition;
  concurrency: number;
  leaseMs: number;
  maxAttempts: number;
  retryDelayMs: number;
  running: number;
}

export type SettledListener = (job: JobRecord, outcome: 'succeeded' | 'failed') => Promise<void> | void;

/**
 * Claims durable jobs from the store and runs them, renewing each lease while it works. A job
 * survives a crash: its lease runs out and any node claims it again. Lease times, due times and
 * retry times are read from the injected clock.
 */
export class JobRunner implements JobQueue {
  private readonly types = new Map<string, Registration>();
  private readonly active = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  private readonly listeners: SettledListener[] = [];
  private readonly now: Clock;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private polling = false;

  constructor(
    private readonly store: JobStore,
    private readonly log: Logger,
    /** `leaseMs`: every job type's lease, instead of its own (`jobs.leaseSeconds`). */
    options: { pollIntervalMs?: number; now?: Clock; leaseMs?: number } = {},
  ) {
    this.now = options.now ?? systemClock;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.leaseMs = options.leaseMs;
  }

  /** Runs jobs of this type on this node (see `defineJob`). */
  register(definition: AnyJobDefinition): void {
    if (this.types.has(definition.type)) throw new Error(`job type ${definition.type} is registered twice`);
    this.types.set(definition.type, {
      definition,
      running: 0,
      concurrency: definition.concurrency ?? 1,
      leaseMs: this.leaseMs ?? definition.leaseMs ?? 60_000,
      maxAttempts: definition.maxAttempts ?? 5,
      retryDelayMs: definition.retryDelayMs ?? 10_000,
    });
  }

  async enqueue<P extends JobPayload>(job: JobType<P>, payload: NoInfer<P>, options: EnqueueOptions = {}): Promise<JobRecord> {
    const now = this.now();
    const runAt = options.runAt ?? now;
    const queued = await this.store.enqueue(newJob(job, payload, { runAt, dedupeKey: options.dedupeKey }), now);
    if (runAt.getTime() <= now.getTime()) this.poke();
    return queued;
  }

  /** The job types this node runs. */
  registeredTypes(): string[] {
    return [...this.types.keys()];
  }

  onSettled(listener: SettledListener): void {
    this.listeners.push(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedulePoll(0);
  }

  /** Wakes the runner now (after enqueueing work this node should pick up quickly). */
  poke(): void {
    if (!this.stopped) this.schedulePoll(0);
  }

  /** Stops claiming, aborts running handlers after `graceMs`, and waits for them. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const grace = setTimeout(() => this.controllers.forEach((c) => c.abort(new Error('node shutting down'))), graceMs);
    grace.unref();
    await Promise.allSettled([...this.active]);
    clearTimeout(grace);
  }

  /** Claims and runs due jobs until none are due or capacity is full; returns how many started. */
  async pollOnce(): Promise<number> {
    if (this.polling) return 0;
    this.polling = true;
    let started = 0;
    try {
      for (;;) {
        const free = [...this.types.entries()].filter(([, r]) => r.running < r.concurrency).map(([type]) => type);
        if (free.length === 0 || this.stoppedAfterStart()) break;
        const leaseMs = Math.max(...free.map((t) => this.types.get(t)!.leaseMs));
        const job = await this.store.claim(free, NODE_ID, leaseMs, this.now());
        if (!job) break;
        started++;
        this.launch(job);
      }
    } catch (err) {
      this.log.error({ err }, 'claiming jobs failed');
    } finally {
      this.polling = false;
    }
    return started;
  }

  /** Waits until the jobs this node is running have settled (tests drive the runner with pollOnce, then this). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }

  private stoppedAfterStart(): boolean {
    return this.stopped && this.timer !== undefined;
  }

  private schedulePoll(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      await this.pollOnce();
      if (!this.stopped) this.schedulePoll(this.pollIntervalMs);
    }, delay);
    this.timer.unref();
  }

  private launch(job: JobRecord): void {
    const registration = this.types.get(job.type)!;
    registration.running++;
    const run = this.run(job, registration).finally(() => {
      registration.running--;
      this.active.delete(run);
      if (!this.stopped) this.schedulePoll(0);
    });
    this.active.add(run);
  }

  private async run(job: JobRecord, registration: Registration): Promise<void> {
    const log = this.log.child({ jobId: job.id, jobType: job.type, attempt: job.attempts });
    const parsed = parsePayload(registration.definition, job.payload);
    if (!parsed.ok) {
      // No attempt can fix a payload: fail for good at once, saying which field is wrong.
      await this.store.fail(job.id, NODE_ID, parsed.error, this.now()).catch(() => undefined);
      log.error({ err: parsed.error }, 'job payload does not parse, failed for good');
      await this.settled(job, 'failed', log);
      return;
    }
    const { definition } = registration;
    const controller = new AbortController();
    this.controllers.add(controller);
    const renew = setInterval(async () => {
      const held = await this.store.renewLease(job.id, NODE_ID, registration.leaseMs, this.now()).catch(() => false);
      if (!held) controller.abort(new Error('job lease lost'));
    }, Math.max(100, registration.leaseMs / 3));
    renew.unref();
    let outcome: 'succeeded' | 'failed' | undefined;
    try {
      const result = await definition.handler(parsed.payload, { signal: controller.signal, log });
      if (controller.signal.aborted) throw controller.signal.reason;
      await this.store.complete(job.id, NODE_ID, result ?? {}, this.now());
      outcome = 'succeeded';
      log.info('job succeeded');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (this.stopped && controller.signal.aborted) {
        // Leave it to lease expiry: another node (or this one after restart) resumes it.
        log.warn({ err: message }, 'job interrupted by shutdown');
      } else if (job.attempts < registration.maxAttempts) {
        const retryAt = new Date(this.now().getTime() + registration.retryDelayMs * 2 ** (job.attempts - 1));
        await this.store.fail(job.id, NODE_ID, message, this.now(), retryAt).catch(() => undefined);
        log.warn({ err: message, retryAt }, 'job failed, will retry');
      } else {
        await this.store.fail(job.id, NODE_ID, message, this.now()).catch(() => undefined);
        outcome = 'failed';
        log.error({ err: message }, 'job failed for good');
        await this.guard(log, 'job failure handler failed', () => definition.onFailed?.(parsed.payload, message));
      }
    } finally {
      clearInterval(renew);
      this.controllers.delete(controller);
    }
    if (outcome) await this.settled(job, outcome, log);
  }

  private async settled(job: JobRecord, outcome: 'succeeded' | 'failed', log: Logger): Promise<void> {
    for (const listener of this.listeners) await this.guard(log, 'job settle listener failed', () => listener(job, outcome));
  }

  private async guard(log: Logger, message: string, work: () => Promise<void> | void): Promise<void> {
    try {
      await work();
    } catch (err) {
      log.error({ err }, message);
    }
  }
}
