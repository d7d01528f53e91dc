/**
 * One Berth per test file for the lifecycle integration tests: the ECR operations harness's setup
 * (random port, @aws-sdk/client-ecr with real SigV4 as the default account's root, open /v2), plus
 * an injected clock so images get controlled push and pull times, and background work started
 * (job runner, schedules, event delivery to the audit log) as `berth serve` runs it.
 */
import { expect } from 'vitest';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { GetLifecyclePolicyPreviewCommand, type GetLifecyclePolicyPreviewCommandOutput } from '@aws-sdk/client-ecr';
import type { BerthApp } from '../../../src/app.js';
import type { BerthConfigInput } from '../../../src/config/schema.js';
import type { StoredAuditEntry } from '../../../src/metadata/audit-store.js';
import type { JobRecord } from '../../../src/metadata/job-store.js';
import { TestClock } from '../../support/clock.js';
import { eventually } from '../../support/eventually.js';
import { useStarted } from '../../support/server.js';
import { V2, startEcrBerth } from '../../api/ecr/operations/harness.js';

export { ACCOUNT, rejection, uniqueName } from '../../api/ecr/operations/harness.js';

export const DAY_MS = 86_400_000;

export interface LifecycleBerth {
  app: BerthApp;
  url: string;
  ecr: ECRClient;
  v2: V2;
  clock: TestClock;
}

export const NOW = new Date('2025-06-01T12:00:00.000Z');
export const daysBefore = (days: number, from = NOW): Date => new Date(from.getTime() - days * DAY_MS);

/**
 * `background: false` leaves the job runner stopped, so a test can observe work that is queued but
 * not yet done and run it with `app.jobs.pollOnce()`.
 */
export function useLifecycleBerth(overrides: BerthConfigInput = {}, options: { background?: boolean } = {}): () => LifecycleBerth {
  return useStarted(async () => {
    const clock = new TestClock(NOW);
    const berth = await startEcrBerth({ prefix: 'lifecycle', config: overrides, build: { clock: clock.now }, background: options.background !== false });
    return { ...berth, v2: new V2(berth.url), clock };
  });
}

/** Waits for a durable job to settle and returns it (failing the test if it failed). */
export async function settled(app: BerthApp, jobId: number): Promise<JobRecord> {
  const job = await eventually(async () => {
    const current = await app.store.jobs.get(jobId);
    return current && (current.status === 'succeeded' || current.status === 'failed') ? current : undefined;
  }, `job ${jobId}`);
  expect(job.status, job.lastError).toBe('succeeded');
  return job;
}

/** Waits until the repository's preview is no longer IN_PROGRESS and returns its first page. */
export async function completedPreview(ecr: ECRClient, repositoryName: string): Promise<GetLifecyclePolicyPreviewCommandOutput> {
  return eventually(async () => {
    const out = await ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName }));
    return out.status === 'IN_PROGRESS' ? undefined : out;
  }, `the preview of ${repositoryName}`);
}

/** Waits for `count` audit records of outbox events of these types about one repository (the audit subscriber runs asynchronously). */
export async function auditRecords(app: BerthApp, repositoryName: string, eventTypes: string[], count: number): Promise<StoredAuditEntry[]> {
  return eventually(async () => {
    const all = await app.store.audit.list({ limit: 1000 });
    const matching = all.filter((entry) => entry.resource === repositoryName && eventTypes.includes(String(entry.detail?.event)));
    return matching.length >= count ? matching : undefined;
  }, `${count} audit records of ${eventTypes.join(', ')} in ${repositoryName}`);
}
