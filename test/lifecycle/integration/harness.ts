/**
 * One Berth per test file for the lifecycle integration tests: the ECR operations harness's setup
 * (random port, @aws-sdk/client-ecr with real SigV4 as the default account's root, open /v2), plus
 * an injected clock so images get controlled push and pull times, and background work started
 * (job runner, schedules, event delivery to the audit log) as `berth serve` runs it.
 */
import { expect } from 'vitest';
import type { ECRClient} from '@aws-sdk/client-ecr';
import { GetLifecyclePolicyPreviewCommand, type GetLifecyclePolicyPreviewCommandOutput } from '@aws-sdk/client-ecr';
import { openAccess } from '../../../src/api/oci/access.js';
import { type BerthApp, buildApp } from '../../../src/app.js';
import type { BerthConfigInput } from '../../../src/config/schema.js';
import type { StoredAuditEntry } from '../../../src/metadata/audit-store.js';
import type { JobRecord } from '../../../src/metadata/job-store.js';
import { ACCOUNT, V2, eventually, rootEcrClient, testConfig, useServer } from '../../api/ecr/operations/harness.js';

export { ACCOUNT, image, rejection, uniqueName } from '../../api/ecr/operations/harness.js';

export const DAY_MS = 86_400_000;

/** The time services see; tests move it. */
export class TestClock {
  constructor(private current: Date) {}
  now = (): Date => new Date(this.current);
  set(date: Date): void {
    this.current = new Date(date);
  }
}

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
  return useServer('berth-lifecycle-', async (dataDir) => {
    const clock = new TestClock(NOW);
    const app = await buildApp(testConfig(dataDir, overrides), { access: openAccess(ACCOUNT), clock: clock.now });
    const url = await app.server.listen({ port: 0, host: '127.0.0.1' });
    if (options.background !== false) await app.startBackground();
    return { app, url, ecr: rootEcrClient(url), v2: new V2(url), clock };
  });
}

export { eventually };

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
