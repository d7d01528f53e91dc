import { buildImageTable, type ImageTable } from './image-table.js';
import { holdBackReferencedImages } from './manifest-list-guard.js';
import { compileTagSelection } from './tag-matcher.js';
import type { ImageFacts, LifecycleDecision, LifecycleDecisionAction, LifecyclePolicy, LifecycleRule } from './types.js';

/**
 * Lifecycle evaluation as the AWS ECR user guide describes it ("Automate the cleanup of images by
 * using lifecycle policies" > "Lifecycle policy evaluation rules", and the worked outcomes in
 * "Examples of lifecycle policies"):
 *
 * 1. All rules are evaluated against the same repository snapshot, then applied in rulePriority
 *    order, lowest number first. Nothing a rule does changes what another rule sees.
 * 2. A rule selects the images of its storage class (`standard` = STANDARD, `archive` = ARCHIVE)
 *    whose tags satisfy its tag selection (see tag-matcher.ts).
 * 3. An image is expired or archived by exactly one or zero rules, and "an image that matches the
 *    tagging requirements of a rule cannot be expired or archived by a rule with a lower priority":
 *    once any rule has selected an image, no later rule may act on it, even when the first rule
 *    left it alone.
 * 4. "Rules can never mark images that are marked by higher priority rules, but can still identify
 *    them": a later rule still counts such images (imageCountMoreThan keeps the newest N of
 *    everything it selects; it just cannot act on the ones already selected).
 * 5. imageCountMoreThan: selected images sorted youngest to oldest by push time; all beyond the
 *    first countNumber are acted on ("always expires older images before newer ones").
 *    sinceImagePushed / sinceImagePulled / sinceImageTransitioned: images whose clock (see
 *    image-table.ts) is older than countNumber days, i.e. strictly more than countNumber × 24 h
 *    before `now`, are acted on.
 * 6. Images referenced by a manifest list are held back (manifest-list-guard.ts).
 *
 * Ties in push time are broken by digest, so the result is a pure function of its inputs.
 * Cost: one sort, then one linear pass per rule with tag matchers compiled once.
 */

const DAY_MS = 86_400_000;

interface Evaluation {
  readonly table: ImageTable;
  readonly nowMs: number;
  /** 1 once an image has been selected by some rule (rule 3). */
  readonly seen: Uint8Array;
  /** Index into policy.rules of the rule acting on each image, or -1. */
  readonly applied: Int32Array;
}

function applyRule(rule: LifecycleRule, ruleIndex: number, ev: Evaluation): void {
  const { selection } = rule;
  const wantArchived = selection.storageClass === 'archive' ? 1 : 0;
  const selectsTags = compileTagSelection(selection);
  const { table, seen, applied } = ev;
  const { tags, archived } = table;
  const order = table.oldestFirst;

  // An image some earlier rule selected can no longer be acted on, so matching its tags only matters
  // while it may still take one of the countNumber places this rule keeps; skipping it otherwise is
  // what makes trailing `any` rules cheap.
  if (selection.countType === 'imageCountMoreThan') {
    const keep = selection.countNumber;
    let kept = 0;
    for (let k = order.length - 1; k >= 0; k--) {
      const i = order[k]!;
      if ((kept >= keep && seen[i]) || archived[i] !== wantArchived || !selectsTags(tags[i]!)) continue;
      if (kept < keep) kept++;
      else applied[i] = ruleIndex;
      seen[i] = 1;
    }
    return;
  }

  const clock =
    selection.countType === 'sinceImagePushed'
      ? table.push
      : selection.countType === 'sinceImagePulled'
        ? table.pull
        : table.archive;
  const cutoff = ev.nowMs - selection.countNumber * DAY_MS;
  for (let i = 0; i < order.length; i++) {
    if (seen[i] || archived[i] !== wantArchived || !selectsTags(tags[i]!)) continue;
    seen[i] = 1;
    if (clock[i]! < cutoff) applied[i] = ruleIndex;
  }
}

function decisionAction(rule: LifecycleRule): LifecycleDecisionAction {
  return rule.action.type === 'expire' ? { type: 'EXPIRE' } : { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' };
}

/**
 * Decides which images a policy expires or transitions at `now`. Pure: the caller supplies a
 * snapshot of the repository and applies (or previews) the result. Decisions come oldest first by
 * push time, ties by digest; each image appears at most once.
 */
export function evaluateLifecyclePolicy(
  policy: LifecyclePolicy,
  images: Iterable<ImageFacts>,
  now: Date,
): LifecycleDecision[] {
  const list = Array.from(images);
  const ev: Evaluation = {
    table: buildImageTable(list),
    nowMs: now.getTime(),
    seen: new Uint8Array(list.length),
    applied: new Int32Array(list.length).fill(-1),
  };
  policy.rules.forEach((rule, r) => applyRule(rule, r, ev));
  holdBackReferencedImages(list, policy.rules, ev.applied);

  const actions = policy.rules.map(decisionAction);
  const decisions: LifecycleDecision[] = [];
  for (const i of ev.table.oldestFirst) {
    const r = ev.applied[i]!;
    if (r < 0) continue;
    const image = list[i]!;
    decisions.push({
      imageDigest: image.digest,
      imageTags: image.tags,
      imagePushedAt: image.pushedAt,
      storageClass: image.storageClass,
      appliedRulePriority: policy.rules[r]!.rulePriority,
      action: actions[r]!,
    });
  }
  return decisions;
}
