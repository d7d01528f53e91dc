import { isDomainError } from '../domain/errors.js';
import type { RepositoryRecord } from '../metadata/registry-store.js';
import type { MetadataStore } from '../metadata/store.js';
import type { ManifestService } from '../registry/manifests.js';
import { LIFECYCLE_ACTOR, LifecycleEvent, POLICY_EXECUTION_ACTION, lifecycleEvent } from './events.js';
import type { LifecycleDecision } from './policy/index.js';
import type { PayloadOf } from '../domain/events/index.js';

/** What the events of a rule's action say about the decision. */
type RuleDecisionDetail = Omit<PayloadOf<'lifecycle.image.expired'>, 'repositoryName' | 'actor' | 'action'>;

export interface ApplyOutcome {
  expired: number;
  archived: number;
  /** Decisions not carried out because the image changed after evaluation (see applyDecisions). */
  skipped: number;
}

/**
 * Carries out a run's decisions as `berth:lifecycle`, oldest image first, each in its own
 * transaction with its events:
 *
 * - EXPIRE deletes the image (manifest and tags) through the registry's ManifestService, so the
 *   image.deleted event and the referenced-by-index rule apply as for any delete; the image.deleted
 *   event names the rule, and lifecycle.image.expired is written beside it.
 * - TRANSITION moves an ACTIVE image to ARCHIVED with lifecycle.image.archived.
 *
 * Evaluation and application are not one transaction, so each action re-checks that the image is
 * still what was evaluated: an image that gained or lost tags, was deleted, was restored or
 * archived by hand, or is now listed by a new index is left alone (the next run re-evaluates it).
 * Stopping part-way (signal) is safe for the same reason.
 */
export async function applyDecisions(
  deps: { store: MetadataStore; manifests: ManifestService },
  repository: RepositoryRecord,
  decisions: readonly LifecycleDecision[],
  now: Date,
  signal?: AbortSignal,
): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = { expired: 0, archived: 0, skipped: 0 };
  const key = { accountId: repository.accountId, name: repository.name };
    for (const decision of decisions) {
      signal?.throwIfAborted();
      const tags = await deps.store.registry.tagsOf(repository.id, decision.imageDigest);
      if (!sameTags(tags, decision.imageTags)) {
        outcome.skipped++;
        continue;
      }
      const detail = {
        digest: decision.imageDigest,
        tags: decision.imageTags,
        rulePriority: decision.appliedRulePriority,
        pushedAt: decision.imagePushedAt.toISOString(),
        storageClass: decision.storageClass,
      };
      if (decision.action.type === 'EXPIRE') {
        const state = (await deps.store.lifecycle.imageStates(repository.id, [decision.imageDigest])).get(decision.imageDigest);
        const stillInClass = state !== undefined && state.status === (decision.storageClass === 'ARCHIVE' ? 'ARCHIVED' : 'ACTIVE');
        if (stillInClass && (await expire(deps.manifests, key, repository, decision, detail, now))) outcome.expired++;
        else outcome.skipped++;
      } else {
        const result = await deps.store.lifecycle.changeImageStatus(repository.id, decision.imageDigest, {
          from: ['ACTIVE'],
          to: 'ARCHIVED',
          at: now,
          events: () => [lifecycleEvent(LifecycleEvent.Archived, repository, now, POLICY_EXECUTION_ACTION, LIFECYCLE_ACTOR, { ...detail, targetStorageClass: 'ARCHIVE' })],
        });
        if (result?.changed) outcome.archived++;
        else outcome.skipped++;
      }
    }
  return outcome;
}

async function expire(
  manifests: ManifestService,
  key: { accountId: string; name: string },
  repository: RepositoryRecord,
  decision: LifecycleDecision,
  detail: RuleDecisionDetail,
  now: Date,
): Promise<boolean> {
  try {
    await manifests.delete(key, decision.imageDigest, {
      actor: LIFECYCLE_ACTOR,
      detail: { action: POLICY_EXECUTION_ACTION, rulePriority: decision.appliedRulePriority },
      events: () => [lifecycleEvent(LifecycleEvent.Expired, repository, now, POLICY_EXECUTION_ACTION, LIFECYCLE_ACTOR, detail)],
    });
    return true;
  } catch (err) {
    if (isDomainError(err, 'ManifestNotFound') || isDomainError(err, 'ImageReferencedByManifestList')) return false;
    throw err;
  }
}

function sameTags(current: readonly string[], evaluated: readonly string[]): boolean {
  if (current.length !== evaluated.length) return false;
  const sorted = [...evaluated].sort();
  return current.every((tag, i) => tag === sorted[i]);
}
