import type { Logger } from '../util/logger.js';
import type { JobRecord, JobStore } from '../metadata/job-store.js';
import { NODE_ID } from './node-id.js';

export interface JobContext {
  /** Aborted when the node shuts down or loses the job's lease. */
  signal: AbortSignal;
  log: Logger;
}

export type JobHandler = (job: JobRecord, ctx: JobContext) => Promise<Record<string, unknown> | void>;

export interface JobTypeOptions {
  /** Jobs of this type running at once on this node. */
  concurrency?: number;
  leaseMs?: number;
  /** Attempts before a job fails for good. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt. */
  retryDelayMs?: number;
}

interface Registration extends Required<JobTypeOptions> {
  handler: JobHandler;
  running: number;
}

export type SettledListener = (job: JobRecord, outcome: 'succeeded' | 'failed') => Promise<void> | void;

/**
 * Claims durable jobs from the store and runs them, renewing each lease while it works. A job
 * survives a crash: its lease runs out and any node claims it again.
 */
export class JobRunner {
  private readonly types = new Map<string, Registration>();
  private readonly active = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  private readonly listeners: SettledListener[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private polling = false;

  constructor(
    private readonly store: JobStore,
    private readonly log: Logger,
    private readonly options: { pollIntervalMs: number; now: () => Date } = { pollIntervalMs: 1000, now: () => new Date() },
  ) {}

  register(type: string, handler: JobHandler, options: JobTypeOptions = {}): void {
    this.types.set(type, {
      handler,
      running: 0,
      concurrency: options.concurrency ?? 1,
      leaseMs: options.leaseMs ?? 60_000,
      maxAttempts: options.maxAttempts ?? 5,
      retryDelayMs: options.retryDelayMs ?? 10_000,
    });
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
        const job = await this.store.claim(free, NODE_ID, leaseMs, this.options.now());
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

  private stoppedAfterStart(): boolean {
    return this.stopped && this.timer !== undefined;
  }

  private schedulePoll(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      await this.pollOnce();
      if (!this.stopped) this.schedulePoll(this.options.pollIntervalMs);
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
    const controller = new AbortController();
    this.controllers.add(controller);
    const log = this.log.child({ jobId: job.id, jobType: job.type, attempt: job.attempts });
    const renew = setInterval(async () => {
      const held = await this.store.renewLease(job.id, NODE_ID, registration.leaseMs, this.options.now()).catch(() => false);
      if (!held) controller.abort(new Error('job lease lost'));
    }, Math.max(100, registration.leaseMs / 3));
    renew.unref();
    let outcome: 'succeeded' | 'failed' | undefined;
    try {
      const result = await registration.handler(job, { signal: controller.signal, log });
      if (controller.signal.aborted) throw controller.signal.reason;
      await this.store.complete(job.id, NODE_ID, result ?? {}, this.options.now());
      outcome = 'succeeded';
      log.info('job succeeded');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (this.stopped && controller.signal.aborted) {
        // Leave it to lease expiry: another node (or this one after restart) resumes it.
        log.warn({ err: message }, 'job interrupted by shutdown');
      } else if (job.attempts < registration.maxAttempts) {
        const retryAt = new Date(this.options.now().getTime() + registration.retryDelayMs * 2 ** (job.attempts - 1));
        await this.store.fail(job.id, NODE_ID, message, this.options.now(), retryAt).catch(() => undefined);
        log.warn({ err: message, retryAt }, 'job failed, will retry');
      } else {
        await this.store.fail(job.id, NODE_ID, message, this.options.now()).catch(() => undefined);
        outcome = 'failed';
        log.error({ err: message }, 'job failed for good');
      }
    } finally {
      clearInterval(renew);
      this.controllers.delete(controller);
    }
    if (outcome) {
      for (const listener of this.listeners) {
        try {
          await listener(job, outcome);
        } catch (err) {
          log.error({ err }, 'job settle listener failed');
        }
      }
    }
  }
}
