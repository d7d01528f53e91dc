import { z } from 'zod';
import { jobType } from '../jobs/define.js';
import type { RepositoryRecord } from '../metadata/registry-store.js';
import type { MetadataStore } from '../metadata/store.js';
import type { ManifestService } from '../registry/manifests.js';
import { type ApplyOutcome, applyDecisions } from './apply.js';
import { planLifecycle } from './plan.js';
import { parseLifecyclePolicy } from './policy/index.js';
import type { LifecycleDecision } from './policy/index.js';
import type { Logger } from '../util/logger.js';

/** A lifecycle run over every repository with a policy, or over one. */
export const RUN_JOB = jobType('lifecycle.run', z.object({ repositoryId: z.number().int().optional() }));

export interface RepositoryRunSummary extends ApplyOutcome {
  repository: string;
  accountId: string;
  /** What the policy decided (what a preview at the same moment shows). */
  decided: number;
  /** Set when the stored policy no longer validates; nothing was done. */
  error?: string;
  /** Dry runs: what the policy would do. */
  decisions?: LifecycleDecision[];
}

export interface RunSummary {
  repositories: number;
  expired: number;
  archived: number;
  skipped: number;
  failed: number;
}

/**
 * A lifecycle run: for each repository with a policy, plan (planLifecycle, shared with previews)
 * then apply, then record lastEvaluatedAt. A dry run plans only.
 */
export class LifecycleRuns {
  constructor(
    private readonly deps: {
      store: MetadataStore;
      manifests: ManifestService;
      now: () => Date;
      log: Logger;
    },
  ) {}

  /** Every repository with a policy, or only `repositoryId`. */
  async run(options: { repositoryId?: number; dryRun?: boolean; signal?: AbortSignal } = {}): Promise<RunSummary & { details: RepositoryRunSummary[] }> {
    const summary: RunSummary & { details: RepositoryRunSummary[] } = { repositories: 0, expired: 0, archived: 0, skipped: 0, failed: 0, details: [] };
    for await (const repository of this.repositoriesWithPolicy(options.repositoryId)) {
      options.signal?.throwIfAborted();
      const result = await this.runRepository(repository.record, repository.text, options);
      summary.repositories++;
      summary.expired += result.expired;
      summary.archived += result.archived;
      summary.skipped += result.skipped;
      if (result.error) summary.failed++;
      // The decisions themselves are kept for dry runs (they are the preview); a run reports counts.
      const { decisions, ...counts } = result;
      summary.details.push(options.dryRun ? { ...counts, decisions } : counts);
    }
    return summary;
  }

  /** Plans (and unless dryRun, applies) one repository's policy at the current time. */
  async runRepository(
    repository: RepositoryRecord,
    text: string,
    options: { dryRun?: boolean; signal?: AbortSignal } = {},
  ): Promise<RepositoryRunSummary & { decisions: LifecycleDecision[] }> {
    const base = { repository: repository.name, accountId: repository.accountId, expired: 0, archived: 0, skipped: 0 };
    let policy;
    try {
      policy = parseLifecyclePolicy(text);
    } catch (err) {
      // Stored policies were valid when put; one that is not (stricter validation since) is reported, not run.
      this.deps.log.error({ err, account: repository.accountId, repository: repository.name }, 'stored lifecycle policy does not validate');
      return { ...base, decided: 0, decisions: [], error: err instanceof Error ? err.message : String(err) };
    }
    const now = this.deps.now();
    const decisions = await planLifecycle(this.deps.store.lifecycle, repository.id, policy, now);
    if (options.dryRun) return { ...base, decided: decisions.length, decisions };
    const outcome = await applyDecisions({ store: this.deps.store, manifests: this.deps.manifests }, repository, decisions, now, options.signal);
    await this.deps.store.lifecycle.recordEvaluation(repository.id, now);
    if (decisions.length > 0) {
      this.deps.log.info({ account: repository.accountId, repository: repository.name, decided: decisions.length, ...outcome }, 'lifecycle policy applied');
    }
    return { ...base, ...outcome, decided: decisions.length, decisions };
  }

  private async *repositoriesWithPolicy(only: number | undefined): AsyncGenerator<{ record: RepositoryRecord; text: string }> {
    if (only !== undefined) {
      const policy = await this.deps.store.lifecycle.getPolicy(only);
      const record = policy && (await this.deps.store.registry.getRepositoryById(only));
      if (policy && record) yield { record, text: policy.text };
      return;
    }
    for (let after: number | undefined; ; ) {
      const page = await this.deps.store.lifecycle.listPolicies({ after, limit: 100 });
      for (const policy of page) {
        const record = await this.deps.store.registry.getRepositoryById(policy.repositoryId);
        if (record) yield { record, text: policy.text };
      }
      if (page.length < 100) return;
      after = page[page.length - 1]!.repositoryId;
    }
  }
}
