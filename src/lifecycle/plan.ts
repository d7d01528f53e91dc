import type { LifecycleImageRecord, LifecycleStore } from '../metadata/lifecycle-store.js';
import { evaluateLifecyclePolicy } from './policy/index.js';
import type { ImageFacts, LifecycleDecision, LifecyclePolicy } from './policy/index.js';

/**
 * What a lifecycle policy does to a repository at `now`: the one function both a preview and a run
 * call, so a preview shows exactly what a run at the same moment would do.
 *
 * Images being restored (ACTIVATING) are in transit between storage classes. They are evaluated as
 * archived (so an index being restored still holds back its children) but never acted on, and
 * neither is any image an index being restored lists: the restore brings the index back and its
 * children must still be there and pullable when it does.
 */
export async function planLifecycle(store: LifecycleStore, repositoryId: number, policy: LifecyclePolicy, now: Date): Promise<LifecycleDecision[]> {
  return decideLifecycle(policy, await store.loadImages(repositoryId), now);
}

/** Exported for bench/suites/lifecycle.ts, which imports it from dist/ at run time. */
export function decideLifecycle(policy: LifecyclePolicy, images: readonly LifecycleImageRecord[], now: Date): LifecycleDecision[] {
  const decisions = evaluateLifecyclePolicy(policy, toImageFacts(images), now);
  let restoring: Set<string> | undefined;
  for (const image of images) if (image.status === 'ACTIVATING') (restoring ??= new Set()).add(image.digest);
  if (!restoring) return decisions;
  const parentsOf = new Map(images.map((image) => [image.digest, image.referencedBy]));
  return decisions.filter(
    (d) => !restoring.has(d.imageDigest) && !(parentsOf.get(d.imageDigest) ?? []).some((parent) => restoring.has(parent)),
  );
}

/** Store records in the engine's terms (ARCHIVED and ACTIVATING are the ARCHIVE storage class). */
function toImageFacts(images: readonly LifecycleImageRecord[]): ImageFacts[] {
  const facts: ImageFacts[] = new Array(images.length);
  for (let i = 0; i < images.length; i++) {
    const image = images[i]!;
    const archived = image.status !== 'ACTIVE';
    facts[i] = {
      digest: image.digest,
      tags: image.tags,
      pushedAt: image.pushedAt,
      lastPulledAt: image.lastPulledAt,
      activatedAt: image.lastActivatedAt,
      referencedBy: image.referencedBy,
      ...(archived
        ? // An archived image always has its archive time; the push time stands in for rows that lack one.
          { storageClass: 'ARCHIVE' as const, transitionedAt: image.lastArchivedAt ?? image.pushedAt }
        : { storageClass: 'STANDARD' as const, transitionedAt: image.lastArchivedAt }),
    };
  }
  return facts;
}
