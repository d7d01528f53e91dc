export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobRecord {
  id: number;
  type: string;
  payload: Record<string, unknown>;
  status: JobStatus;
  /** While queued or running, at most one job with a given key exists. */
  dedupeKey?: string;
  runAt: Date;
  attempts: number;
  leaseOwner?: string;
  leaseUntil?: Date;
  lastError?: string;
  result?: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewJob {
  type: string;
  payload: Record<string, unknown>;
  dedupeKey?: string;
  runAt: Date;
}

/**
 * Durable background jobs with leases: a node claims a job for a lease period and renews it while
 * working; a job whose lease expired (its node died) is claimable again.
 */
export interface JobStore {
  /** Enqueues a job; with a dedupe key already queued/running, returns that job instead. */
  enqueue(job: NewJob, now: Date): Promise<JobRecord>;
  /** Claims the oldest due job of the given types, or a running job whose lease expired. */
  claim(types: string[], owner: string, leaseMs: number, now: Date): Promise<JobRecord | undefined>;
  renewLease(id: number, owner: string, leaseMs: number, now: Date): Promise<boolean>;
  complete(id: number, owner: string, result: Record<string, unknown>, now: Date): Promise<void>;
  /** Records a failure; with `retryAt` the job is queued again, otherwise it is failed for good. */
  fail(id: number, owner: string, error: string, now: Date, retryAt?: Date): Promise<void>;
  get(id: number): Promise<JobRecord | undefined>;
  list(options: { type?: string; status?: JobStatus; limit: number }): Promise<JobRecord[]>;
}
