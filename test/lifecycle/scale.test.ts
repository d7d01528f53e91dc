import { describe, expect, it } from 'vitest';
import { evaluateLifecyclePolicy, summarizeLifecycleDecisions } from '../../src/lifecycle/policy/index.js';
import type { ImageFacts } from '../../src/lifecycle/policy/index.js';
import { policyOf, rule } from './helpers.js';

/**
 * 100,000 images (ECR's default per-repository quota), four rules, counts derived by hand.
 * Image i is pushed (N - i) minutes before `now`, so i = 0 is the oldest; i % 4 picks its tags:
 *   0 untagged · 1 ["release-i"] · 2 ["feature-i", "sha-i"] · 3 ["feature-i"]
 * The input is shuffled so the evaluator has to sort.
 */
const N = 100_000;
const MINUTE = 60_000;
const now = new Date('2025-06-01T00:00:00Z');

function makeImages(): ImageFacts[] {
  const images: ImageFacts[] = [];
  for (let i = 0; i < N; i++) {
    const tags = [[], [`release-${i}`], [`feature-${i}`, `sha-${i}`], [`feature-${i}`]][i % 4]!;
    images.push({
      digest: `sha256:${i.toString(16).padStart(64, '0')}`,
      tags,
      pushedAt: new Date(now.getTime() - (N - i) * MINUTE),
      storageClass: 'STANDARD',
    });
  }
  let seed = 42;
  for (let i = images.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [images[i], images[j]] = [images[j]!, images[i]!];
  }
  return images;
}

describe('evaluation over 100,000 images', () => {
  it('produces the hand-derived counts', () => {
    const policy = policyOf([
      // 25,000 release images; the newest 500 are kept.
      rule(1, { tagStatus: 'tagged', tagPrefixList: ['release-'], countNumber: 500 }),
      // Untagged and older than 7 days (10,080 min): i < 89,920.
      rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }),
      // Both patterns (only i % 4 == 2) and older than 30 days (43,200 min): i < 56,800.
      rule(
        3,
        { tagStatus: 'tagged', tagPatternList: ['feature-*', 'sha-*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 },
        { type: 'transition', targetStorageClass: 'archive' },
      ),
      // Keeps the newest 1,000 (i >= 99,000); may act only on i % 4 == 3, which no rule above selected.
      rule(4, { countNumber: 1000 }),
    ]);

    const decisions = evaluateLifecyclePolicy(policy, makeImages(), now);

    const byRule = new Map<number, number>();
    for (const d of decisions) byRule.set(d.appliedRulePriority, (byRule.get(d.appliedRulePriority) ?? 0) + 1);
    expect(Object.fromEntries(byRule)).toEqual({ 1: 24_500, 2: 22_480, 3: 14_200, 4: 24_750 });
    expect(summarizeLifecycleDecisions(decisions)).toEqual({
      expiringImageTotalCount: 71_730,
      transitioningImageTotalCounts: [{ targetStorageClass: 'ARCHIVE', imageTotalCount: 14_200 }],
    });

    // Oldest first, and the boundaries fall where the arithmetic says.
    const index = (d: { imageDigest: string }) => Number.parseInt(d.imageDigest.slice(7), 16);
    const indexes = decisions.map(index);
    expect(indexes.every((v, k) => k === 0 || v > indexes[k - 1]!)).toBe(true);
    const ruleOf = new Map(decisions.map((d) => [index(d), d.appliedRulePriority]));
    expect(ruleOf.get(97_997)).toBe(1); // newest expired release
    expect(ruleOf.has(98_001)).toBe(false); // oldest of the 500 kept releases
    expect(ruleOf.get(89_916)).toBe(2);
    expect(ruleOf.has(89_920)).toBe(false); // exactly 7 days old: kept
    expect(ruleOf.get(56_798)).toBe(3);
    expect(ruleOf.has(56_802)).toBe(false);
    expect(ruleOf.get(98_999)).toBe(4);
    expect(ruleOf.has(99_003)).toBe(false); // among the newest 1,000
  });
});
