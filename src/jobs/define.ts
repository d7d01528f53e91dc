import type { z } from 'zod';
import type { JobRecord, NewJob } from '../metadata/job-store.js';
import type { Logger } from '../util/logger.js';
import { describeIssues } from '../util/parse-issues.js';

/*
 * Typed background work, in the spirit of `defineOperation` (src/api/ecr/operation.ts): a job
 * type's name and payload shape are declared once (`jobType`), enqueueing is typed by that
 * declaration (`jobs.enqueue(RESTORE_JOB, { repositoryId, digest })`), and the payload a handler
 * receives has been parsed against it. A stored payload that does not parse fails the job for good
 * with a message naming the field; it is never read with a default.
 *
 *   export const PREVIEW_JOB = jobType('lifecycle.preview', z.object({ previewId: z.number().int() }));
 *   defineJob({ ...PREVIEW_JOB, concurrency: 2, handler: async ({ previewId }, { log }) => previews.compute(previewId, log) });
 */

/** A job's payload: a JSON object. */
export type JobPayload = Record<string, unknown>;

/** A job type: its name and its payload's schema. What enqueuers need. */
export interface JobType<P extends JobPayload> {
  readonly type: string;
  readonly payload: z.ZodType<P, z.ZodTypeDef, unknown>;
}

export interface JobContext {
  /** Aborted when the node shuts down or loses the job's lease. */
  signal: AbortSignal;
  log: Logger;
}

/** What a job reports (stored as its result). */
export type JobResult = Record<string, unknown>;

export interface JobOptions {
  /** Jobs of this type running at once on this node (default 1). */
  readonly concurrency?: number;
  /** How long a claim lasts without renewal (default 60 s); the runner renews it every third of that while the handler works. */
  readonly leaseMs?: number;
  /** Attempts before a job fails for good (default 5). */
  readonly maxAttempts?: number;
  /** First retry delay; doubles per attempt (default 10 s). */
  readonly retryDelayMs?: number;
}

/** A job type with the code that runs it. */
export interface JobDefinition<P extends JobPayload> extends JobType<P>, JobOptions {
  handler(payload: P, ctx: JobContext): Promise<JobResult | void>;
  /** Called once a job failed for good (its last attempt threw), with the error it failed with. */
  onFailed?(payload: P, error: string): Promise<void>;
}

/** Any job definition, as the runner and module lists hold them. */
export type AnyJobDefinition = JobDefinition<JobPayload>;

export function jobType<P extends JobPayload>(type: string, payload: z.ZodType<P, z.ZodTypeDef, unknown>): JobType<P> {
  return Object.freeze({ type, payload });
}

export function defineJob<P extends JobPayload>(definition: JobDefinition<P>): JobDefinition<P> {
  return Object.freeze({ ...definition });
}

/** When and under which key a job is queued (at most one queued or running job per key). */
export interface EnqueueOptions {
  dedupeKey?: string;
  /** Default: now. */
  runAt?: Date;
}

/** The store's record for a new job of this type (for stores that queue a job inside their own transaction). */
export function newJob<P extends JobPayload>(job: JobType<P>, payload: NoInfer<P>, options: { runAt: Date; dedupeKey?: string }): NewJob {
  return { type: job.type, payload, runAt: options.runAt, ...(options.dedupeKey !== undefined && { dedupeKey: options.dedupeKey }) };
}

export type PayloadParse<P> = { ok: true; payload: P } | { ok: false; error: string };

/** Checks a stored payload against its job type; the error names the fields that are wrong. */
export function parsePayload<P extends JobPayload>(job: JobType<P>, payload: unknown): PayloadParse<P> {
  const result = job.payload.safeParse(payload);
  return result.success
    ? { ok: true, payload: result.data }
    : { ok: false, error: `job ${job.type} has an invalid payload: ${describeIssues(result.error, 'payload')}` };
}

/** Queues jobs; what services that start background work take (the JobRunner implements it). */
export interface JobQueue {
  /** Queues a job (due now unless `runAt` says later); with a dedupe key already queued or running, returns that job. */
  enqueue<P extends JobPayload>(job: JobType<P>, payload: NoInfer<P>, options?: EnqueueOptions): Promise<JobRecord>;
  /** Wakes the runner after a store queued a job inside its own transaction (see `newJob`). */
  poke(): void;
}
