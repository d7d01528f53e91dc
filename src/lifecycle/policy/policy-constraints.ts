import { policyValidationError } from './errors.js';
import type { LifecycleRule, PolicyStorageClass } from './types.js';

/**
 * Constraints across the rules of one policy. Sources: AWS ECR user guide, "Lifecycle policy
 * properties" (rulePriority) and "Automate the cleanup of images by using lifecycle policies",
 * section "Lifecycle policy evaluation rules" (LifecyclePolicies.html):
 *
 * - "you must give them each a unique value for rulePriority".
 * - "A rule with a tagStatus value of any must have the highest value for rulePriority". ECR checks
 *   this per storage class (its error reads "Rule for tagStatus=ANY must have the lowest priority per
 *   storage class", and the user guide's "Combining archive and expire rules" example has an `any`
 *   standard rule at priority 1 followed by an `any` archive rule at priority 2).
 * - "Only one rule selecting a specific storage class is allowed to select untagged images"
 *   (`any` rules do not count: the "Filtering on all images" Example B pairs `untagged` and `any`).
 * - "The set of all rules selecting a specific storage class must contain a unique set of
 *   prefixes." We read this as: no two tagged rules of one storage class may carry the same
 *   tagPrefixList (or the same tagPatternList), compared as sets. Such a second rule could never act
 *   anyway, because every image it selects was already selected by the first.
 */

function fail(problem: string): never {
  throw policyValidationError(problem);
}

function tagSetKey(rule: LifecycleRule): string | undefined {
  const { tagPrefixList, tagPatternList } = rule.selection;
  const [kind, list] = tagPrefixList ? ['tagPrefixList', tagPrefixList] : ['tagPatternList', tagPatternList];
  if (!list) return undefined;
  return `${kind}\u0000${[...new Set(list)].sort().join('\u0000')}`;
}

function checkStorageClass(storageClass: PolicyStorageClass, rules: readonly LifecycleRule[]): void {
  const cls = storageClass.toUpperCase();

  const untagged = rules.filter((r) => r.selection.tagStatus === 'untagged');
  if (untagged.length > 1) {
    fail(
      `Only one rule can select Untagged images per storage class (rulePriority ${untagged[0]!.rulePriority} and ${untagged[1]!.rulePriority} both select untagged ${cls} images).`,
    );
  }

  const highest = rules[rules.length - 1]!;
  const misplacedAny = rules.find((r) => r.selection.tagStatus === 'any' && r !== highest);
  if (misplacedAny) {
    fail(
      `Rule for tagStatus=ANY must have the lowest priority per storage class (rulePriority ${misplacedAny.rulePriority} selects any ${cls} image but rulePriority ${highest.rulePriority} comes after it).`,
    );
  }

  const seen = new Map<string, number>();
  for (const rule of rules) {
    const key = tagSetKey(rule);
    if (key === undefined) continue;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const field = rule.selection.tagPrefixList ? 'tagPrefixList' : 'tagPatternList';
      fail(
        `Rules selecting one storage class must have unique tag filters (rulePriority ${earlier} and ${rule.rulePriority} have the same ${field} for ${cls} images).`,
      );
    }
    seen.set(key, rule.rulePriority);
  }
}

/** Checks the policy-wide constraints. `rules` must already be sorted by rulePriority. */
export function checkPolicy(rules: readonly LifecycleRule[]): void {
  for (let i = 1; i < rules.length; i++) {
    if (rules[i]!.rulePriority === rules[i - 1]!.rulePriority) {
      fail(`rulePriority ${rules[i]!.rulePriority} is used by more than one rule; each rule must have a unique rulePriority.`);
    }
  }
  for (const storageClass of ['standard', 'archive'] as const) {
    const ofClass = rules.filter((r) => r.selection.storageClass === storageClass);
    if (ofClass.length > 0) checkStorageClass(storageClass, ofClass);
  }
}
