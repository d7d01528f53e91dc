import type { ImageFacts, LifecycleRule } from './types.js';

/**
 * "If an image is referenced by a manifest list, it cannot be expired or archived without the
 * manifest list being deleted or archived first." (AWS ECR user guide, "Lifecycle policy evaluation
 * rules".) We pair the verbs: expiring a child needs every referencing list gone from the
 * repository; archiving a child needs every referencing list gone or already archived. "First"
 * means an earlier run: a list acted on in this run releases its children on the next one, so an
 * executor never has to order deletions within a run. A held-back image still counts as matched by
 * its rule, so no lower-priority rule acts on it instead.
 *
 * Clears `applied[i]` (sets -1) for every image that must be held back.
 */
export function holdBackReferencedImages(
  images: readonly ImageFacts[],
  rules: readonly LifecycleRule[],
  applied: Int32Array,
): void {
  let index: Map<string, number> | undefined;
  for (let i = 0; i < images.length; i++) {
    const parents = images[i]!.referencedBy;
    if (applied[i]! < 0 || !parents || parents.length === 0) continue;
    index ??= new Map(images.map((image, j) => [image.digest, j]));
    const expiring = rules[applied[i]!]!.action.type === 'expire';
    const blocked = parents.some((digest) => {
      const j = index!.get(digest);
      if (j === undefined) return false;
      return expiring || images[j]!.storageClass !== 'ARCHIVE';
    });
    if (blocked) applied[i] = -1;
  }
}
