import { describe, expect, it } from 'vitest';
import { evaluateLifecyclePolicy } from '../../src/lifecycle/policy/index.js';
import type { ImageFacts, LifecyclePolicy, LifecycleRule } from '../../src/lifecycle/policy/index.js';
import { DAY_MS, NOW, policyOf, rule } from './helpers.js';

/**
 * Randomised comparison with a deliberately naive model written straight from the user guide's
 * evaluation rules: regex tag matching, a fresh filter and sort per rule, the pull-time fallbacks
 * spelled out as the guide words them. Any divergence in the optimised evaluator shows up here.
 */

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const WORDS = ['prod', 'beta', 'v1', 'v2', 'rc', 'dev', 'sha'];

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function selectsTags(r: LifecycleRule, tags: readonly string[]): boolean {
  const { tagStatus, tagPrefixList, tagPatternList } = r.selection;
  if (tagStatus === 'any') return true;
  if (tagStatus === 'untagged') return tags.length === 0;
  const regexes = tagPatternList?.map(globToRegExp) ?? tagPrefixList!.map((p) => globToRegExp(`${p}*`));
  return tags.length > 0 && regexes.every((re) => tags.some((t) => re.test(t)));
}

function pushClock(img: ImageFacts): number {
  return (img.activatedAt ?? img.pushedAt).getTime();
}

function pullClock(img: ImageFacts): number {
  const { lastPulledAt, activatedAt, pushedAt } = img;
  if (activatedAt && (!lastPulledAt || lastPulledAt < activatedAt)) return activatedAt.getTime();
  if (lastPulledAt) return lastPulledAt.getTime();
  return pushedAt.getTime();
}

function referenceEvaluate(policy: LifecyclePolicy, images: ImageFacts[], now: Date): Map<string, number> {
  const seen = new Set<string>();
  const result = new Map<string, number>();
  for (const r of policy.rules) {
    const cls = r.selection.storageClass === 'archive' ? 'ARCHIVE' : 'STANDARD';
    const selected = images.filter((img) => img.storageClass === cls && selectsTags(r, img.tags));
    let marked: ImageFacts[];
    if (r.selection.countType === 'imageCountMoreThan') {
      const youngestFirst = [...selected].sort(
        (a, b) => pushClock(b) - pushClock(a) || (a.digest < b.digest ? 1 : -1),
      );
      marked = youngestFirst.slice(r.selection.countNumber);
    } else {
      const clock =
        r.selection.countType === 'sinceImagePushed'
          ? pushClock
          : r.selection.countType === 'sinceImagePulled'
            ? pullClock
            : (img: ImageFacts) => img.transitionedAt!.getTime();
      marked = selected.filter((img) => now.getTime() - clock(img) > r.selection.countNumber * DAY_MS);
    }
    for (const img of marked) if (!seen.has(img.digest)) result.set(img.digest, r.rulePriority);
    for (const img of selected) seen.add(img.digest);
  }
  return result;
}

function randomImages(rnd: () => number, count: number): ImageFacts[] {
  const at = (maxDays: number) => new Date(NOW.getTime() - Math.floor(rnd() * maxDays * 4) * (DAY_MS / 4));
  return Array.from({ length: count }, (_, i) => {
    const tags = rnd() < 0.25 ? [] : Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => `${WORDS[Math.floor(rnd() * WORDS.length)]}-${Math.floor(rnd() * 5)}`);
    const pushedAt = at(200);
    const extra = {
      ...(rnd() < 0.5 ? { lastPulledAt: new Date(Math.max(pushedAt.getTime(), at(200).getTime())) } : {}),
      ...(rnd() < 0.2 ? { activatedAt: new Date(Math.max(pushedAt.getTime(), at(100).getTime())) } : {}),
    };
    const digest = `sha256:${(i * 7919) % 1000}`;
    return rnd() < 0.3
      ? { digest, tags, pushedAt, storageClass: 'ARCHIVE', transitionedAt: new Date(Math.max(pushedAt.getTime(), at(300).getTime())), ...extra }
      : { digest, tags, pushedAt, storageClass: 'STANDARD', ...extra };
  });
}

function randomPolicy(rnd: () => number): LifecyclePolicy {
  const pick = <T,>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const count = () =>
    pick([
      { countType: 'imageCountMoreThan', countNumber: 1 + Math.floor(rnd() * 8) },
      { countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 + Math.floor(rnd() * 150) },
      { countType: 'sinceImagePulled', countUnit: 'days', countNumber: 1 + Math.floor(rnd() * 150) },
    ]);
  const toArchive = { type: 'transition', targetStorageClass: 'archive' };
  const standardRule = (selection: Record<string, unknown>) => {
    const c = count();
    return { selection: { ...selection, ...c }, action: c.countType === 'sinceImagePulled' || rnd() < 0.3 ? toArchive : { type: 'expire' } };
  };
  const archiveRule = (selection: Record<string, unknown>) => ({
    selection: { ...selection, storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 + Math.floor(rnd() * 150) },
    action: { type: 'expire' },
  });

  const specs: { selection: Record<string, unknown>; action: unknown }[] = [];
  const usedFilters = new Set<string>();
  for (const make of [standardRule, archiveRule]) {
    for (let k = Math.floor(rnd() * 4); k > 0; k--) {
      const list = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => `${pick(WORDS)}${pick(['*', '-*', '*-1', ''])}`))];
      const asPrefix = rnd() < 0.4;
      const key = `${make === archiveRule}|${asPrefix}|${[...list].sort().join()}`;
      if (usedFilters.has(key)) continue;
      usedFilters.add(key);
      const filter = asPrefix ? { tagPrefixList: list.map((p) => p.replace(/\*/g, '')) } : { tagPatternList: list };
      specs.push(make({ tagStatus: 'tagged', ...filter }));
    }
    if (rnd() < 0.5) specs.push(make({ tagStatus: 'untagged' }));
  }
  // Shuffle priorities, then give each class's `any` rule the highest priority of its class.
  const priorities = specs.map((_, i) => i * 3 + 1).sort(() => rnd() - 0.5);
  const rules = specs.map((s, i) => rule(priorities[i]!, s.selection, s.action as Record<string, unknown>));
  const top = priorities.length * 3 + 10;
  if (rnd() < 0.7) {
    const anyRule = standardRule({ tagStatus: 'any' });
    rules.push(rule(top, anyRule.selection, anyRule.action as Record<string, unknown>));
  }
  if (rnd() < 0.5) rules.push(rule(top + 1, archiveRule({ tagStatus: 'any' }).selection));
  if (rules.length === 0) rules.push(rule(1));
  return policyOf(rules);
}

describe('evaluator against a naive reference model', () => {
  it('agrees on 300 random repositories and policies', () => {
    const rnd = random(20250601);
    for (let trial = 0; trial < 300; trial++) {
      const images = randomImages(rnd, Math.floor(rnd() * 60));
      const policy = randomPolicy(rnd);
      const actual = new Map(evaluateLifecyclePolicy(policy, images, NOW).map((d) => [d.imageDigest, d.appliedRulePriority]));
      expect(actual, `trial ${trial}`).toEqual(referenceEvaluate(policy, images, NOW));
    }
  });
});
