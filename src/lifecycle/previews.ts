import { z } from 'zod';
import { type JobQueue, jobType } from '../jobs/define.js';
import type { RepositoryKey } from '../domain/reference.js';
import type { TagStatus } from '../metadata/image-store.js';
import type { LifecyclePreviewRecord, LifecyclePreviewResultRecord } from '../metadata/lifecycle-store.js';
import type { MetadataStore } from '../metadata/store.js';
import type { RepositoryService } from '../registry/repositories.js';
import { previewNotFound } from './errors.js';
import { planLifecycle } from './plan.js';
import { lifecyclePolicyNotFound, parseLifecyclePolicy } from './policy/index.js';
import type { LifecycleDecision } from './policy/index.js';
import type { Logger } from '../util/logger.js';

/** Computes one preview StartLifecyclePolicyPreview recorded as IN_PROGRESS. */
export const PREVIEW_JOB = jobType('lifecycle.preview', z.object({ previewId: z.number().int() }));

/**
 * A preview still IN_PROGRESS after this long lost its job for good (its node died past every
 * retry); a new StartLifecyclePolicyPreview replaces it instead of failing forever.
 */
const ABANDONED_AFTER_MS = 15 * 60_000;

export interface PreviewPage {
  preview: LifecyclePreviewRecord;
  results: (LifecyclePreviewResultRecord & { position: number })[];
  /** The position to continue after, when more results follow. */
  next?: number;
}

/**
 * StartLifecyclePolicyPreview / GetLifecyclePolicyPreview. Starting records the preview as
 * IN_PROGRESS and queues a durable job; the job evaluates with planLifecycle, the function a
 * lifecycle run uses, and stores the results with the status COMPLETE (or FAILED).
 */
export class LifecyclePreviewService {
  constructor(
    private readonly deps: {
      store: MetadataStore;
      repositories: RepositoryService;
      now: () => Date;
      jobs: JobQueue;
    },
  ) {}

  /** Starts a preview of `text`, or of the repository's policy when `text` is undefined. */
  async start(key: RepositoryKey, text: string | undefined): Promise<LifecyclePreviewRecord> {
    const repository = await this.deps.repositories.get(key);
    const policyText = text ?? (await this.deps.store.lifecycle.getPolicy(repository.id))?.text;
    if (policyText === undefined) throw lifecyclePolicyNotFound(key.name, key.accountId);
    parseLifecyclePolicy(policyText);
    const now = this.deps.now();
    const preview = await this.deps.store.lifecycle.beginPreview(repository.id, policyText, now, new Date(now.getTime() - ABANDONED_AFTER_MS));
    await this.deps.jobs.enqueue(PREVIEW_JOB, { previewId: preview.id }, { dedupeKey: `${PREVIEW_JOB.type}:${preview.id}` });
    return preview;
  }

  /** The repository's latest preview with one page of its results (none unless COMPLETE). */
  async get(
    key: RepositoryKey,
    options: { tagStatus?: TagStatus; digests?: readonly string[]; tags?: readonly string[]; after?: number; limit: number },
  ): Promise<PreviewPage> {
    const repository = await this.deps.repositories.get(key);
    const preview = await this.deps.store.lifecycle.getPreview(repository.id);
    if (!preview) throw previewNotFound(key);
    if (preview.status !== 'COMPLETE') return { preview, results: [] };
    const page = await this.deps.store.lifecycle.listPreviewResults(preview.id, options);
    return { preview, results: page.items, next: page.next };
  }

  /** The preview job: evaluate now and store what a run would do. */
  async compute(previewId: number, log: Logger): Promise<Record<string, unknown>> {
    const preview = await this.deps.store.lifecycle.getPreviewById(previewId);
    if (!preview || preview.status !== 'IN_PROGRESS') return { skipped: true };
    try {
      const decisions = await planLifecycle(this.deps.store.lifecycle, preview.repositoryId, parseLifecyclePolicy(preview.text), this.deps.now());
      const stored = await this.deps.store.lifecycle.completePreview(previewId, decisions.map(toResultRecord), this.deps.now());
      return { results: decisions.length, stored };
    } catch (err) {
      // A preview that cannot be computed says so (FAILED) instead of staying IN_PROGRESS.
      log.error({ err, previewId }, 'lifecycle preview failed');
      await this.deps.store.lifecycle.failPreview(previewId, err instanceof Error ? err.message : String(err), this.deps.now());
      return { failed: true };
    }
  }
}

/** Exported for bench/suites/lifecycle.ts, which imports it from dist/ at run time. */
export function toResultRecord(decision: LifecycleDecision): LifecyclePreviewResultRecord {
  return {
    imageDigest: decision.imageDigest,
    imageTags: decision.imageTags,
    imagePushedAt: decision.imagePushedAt,
    storageClass: decision.storageClass,
    appliedRulePriority: decision.appliedRulePriority,
    action: decision.action.type,
  };
}
