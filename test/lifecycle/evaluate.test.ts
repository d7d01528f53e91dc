import { describe, expect, it } from 'vitest';
import { evaluateLifecyclePolicy, summarizeLifecycleDecisions } from '../../src/lifecycle/policy/index.js';
import { archived, DAY_MS, daysAgo, NOW, outcome, policyOf, rule, standard } from './helpers.js';

const tagged = (list: string[], extra: Record<string, unknown> = {}) => ({ tagStatus: 'tagged', tagPatternList: list, ...extra });
const olderThan = (days: number) => ({ countType: 'sinceImagePushed', countUnit: 'days', countNumber: days });
const toArchive = { type: 'transition', targetStorageClass: 'archive' };

describe('priority interplay', () => {
  it('an image selected by a higher rule is protected from lower rules even when that rule keeps it', () => {
    const policy = policyOf([rule(1, tagged(['prod*'], { countNumber: 9999 })), rule(2, { countNumber: 1 })]);
    const images = [
      standard('prod-old', ['prod-1'], daysAgo(30)),
      standard('dev-old', ['dev-1'], daysAgo(20)),
      standard('newest', ['dev-2'], daysAgo(1)),
    ];
    expect(outcome(policy, images)).toEqual({ 'dev-old': 'EXPIRE by 2' });
  });

  it('a lower rule still counts images selected by higher rules (imageCountMoreThan)', () => {
    // Rule 2 keeps the newest two of everything; the newest two are rule-1 images, so it acts on
    // every other image, but never on rule-1 images.
    const policy = policyOf([rule(1, tagged(['keep*'], { countNumber: 100 })), rule(2, { countNumber: 2 })]);
    const images = [
      standard('x1', ['x1'], daysAgo(5)),
      standard('x2', ['x2'], daysAgo(4)),
      standard('k1', ['keep-1'], daysAgo(3)),
      standard('k2', ['keep-2'], daysAgo(2)),
      standard('k3', ['keep-3'], daysAgo(1)),
    ];
    expect(outcome(policy, images)).toEqual({ x1: 'EXPIRE by 2', x2: 'EXPIRE by 2' });
  });

  it('an untagged rule shields untagged images it keeps from a trailing any rule', () => {
    const policy = policyOf([rule(1, { tagStatus: 'untagged', ...olderThan(30) }), rule(2, { countNumber: 1 })]);
    const images = [
      standard('u-young', [], daysAgo(10)),
      standard('t-old', ['a'], daysAgo(9)),
      standard('t-new', ['b'], daysAgo(1)),
    ];
    expect(outcome(policy, images)).toEqual({ 't-old': 'EXPIRE by 2' });
  });

  it('a higher transition rule shields its images from a lower expire rule', () => {
    const policy = policyOf([rule(1, tagged(['release-*'], olderThan(30)), toArchive), rule(2, olderThan(7))]);
    const images = [
      standard('rel-old', ['release-1'], daysAgo(40)),
      standard('rel-mid', ['release-2'], daysAgo(10)),
      standard('dev-mid', ['dev'], daysAgo(10)),
    ];
    expect(outcome(policy, images)).toEqual({ 'rel-old': 'TRANSITION by 1', 'dev-mid': 'EXPIRE by 2' });
  });

  it('an image whose tags match several rules is acted on only by the highest-priority one', () => {
    const policy = policyOf([
      rule(3, tagged(['beta*'], { countNumber: 1 })),
      rule(7, tagged(['prod*'], olderThan(1))),
    ]);
    const images = [standard('both', ['prod-1', 'beta-1'], daysAgo(10)), standard('beta-new', ['beta-2'], daysAgo(1))];
    const decisions = evaluateLifecyclePolicy(policy, images, NOW);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ imageDigest: 'both', appliedRulePriority: 3 });
  });

  it('applies rules by rulePriority, not by their order in the policy text', () => {
    const policy = policyOf([rule(9, { countNumber: 1 }), rule(4, tagged(['v*'], { countNumber: 1 }))]);
    const images = [standard('v-old', ['v1'], daysAgo(3)), standard('v-new', ['v2'], daysAgo(2)), standard('w', ['w'], daysAgo(1))];
    expect(outcome(policy, images)).toEqual({ 'v-old': 'EXPIRE by 4' });
  });
});

describe('tag matching in evaluation', () => {
  it('multi-pattern rules select only images matching every pattern', () => {
    const policy = policyOf([rule(1, tagged(['app-*', '*-stable'], olderThan(1)))]);
    const images = [
      standard('two-tags', ['app-1', 'v1-stable'], daysAgo(5)),
      standard('one-tag-both', ['app-2-stable'], daysAgo(5)),
      standard('only-app', ['app-3'], daysAgo(5)),
      standard('only-stable', ['v3-stable'], daysAgo(5)),
    ];
    expect(outcome(policy, images)).toEqual({ 'two-tags': 'EXPIRE by 1', 'one-tag-both': 'EXPIRE by 1' });
  });

  it('multi-prefix rules select only images having every prefix', () => {
    const policy = policyOf([rule(1, { tagStatus: 'tagged', tagPrefixList: ['prod', 'v'], ...olderThan(1) })]);
    const images = [standard('both', ['prod-eu', 'v3'], daysAgo(5)), standard('one', ['prod-us'], daysAgo(5))];
    expect(outcome(policy, images)).toEqual({ both: 'EXPIRE by 1' });
  });

  it('handles images with many tags and returns all of them in the decision', () => {
    const manyTags = Array.from({ length: 500 }, (_, i) => `ci-${i}`);
    const policy = policyOf([rule(1, tagged(['*-499'], olderThan(1)))]);
    const [decision] = evaluateLifecyclePolicy(policy, [standard('many', manyTags, daysAgo(2))], NOW);
    expect(decision!.imageTags).toEqual(manyTags);
  });
});

describe('count types', () => {
  it('since* counts strictly more than N days: exactly N days old is kept, 1 ms older is acted on', () => {
    const policy = policyOf([rule(1, olderThan(14))]);
    const images = [standard('exact', ['a'], daysAgo(14)), standard('older', ['b'], daysAgo(14, -1))];
    expect(outcome(policy, images)).toEqual({ older: 'EXPIRE by 1' });
  });

  it('sinceImagePushed measures a restored image from its restore time', () => {
    const policy = policyOf([rule(1, olderThan(30), toArchive)]);
    const images = [
      standard('restored', ['a'], daysAgo(200), { activatedAt: daysAgo(2), transitionedAt: daysAgo(100) }),
      standard('never-archived', ['b'], daysAgo(200)),
    ];
    expect(outcome(policy, images)).toEqual({ 'never-archived': 'TRANSITION by 1' });
  });

  it('sinceImagePulled uses the last pull, else the push, else the restore time', () => {
    const policy = policyOf([rule(1, { countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }, toArchive)]);
    const images = [
      standard('pulled-recently', [], daysAgo(90), { lastPulledAt: daysAgo(5) }),
      standard('pulled-long-ago', [], daysAgo(90), { lastPulledAt: daysAgo(60) }),
      standard('never-pulled-old', [], daysAgo(60)),
      standard('never-pulled-new', [], daysAgo(20)),
      standard('restored-unpulled', [], daysAgo(120), { lastPulledAt: daysAgo(90), activatedAt: daysAgo(10) }),
      standard('restored-then-pulled-old', [], daysAgo(120), { activatedAt: daysAgo(70), lastPulledAt: daysAgo(40) }),
    ];
    expect(outcome(policy, images)).toEqual({
      'pulled-long-ago': 'TRANSITION by 1',
      'never-pulled-old': 'TRANSITION by 1',
      'restored-then-pulled-old': 'TRANSITION by 1',
    });
  });

  it('imageCountMoreThan orders equal push times by digest, whatever the input order', () => {
    const policy = policyOf([rule(1, { countNumber: 2 })]);
    const same = daysAgo(3);
    const images = ['sha256:c', 'sha256:a', 'sha256:d', 'sha256:b'].map((d) => standard(d, [], same));
    const forward = evaluateLifecyclePolicy(policy, images, NOW);
    const backward = evaluateLifecyclePolicy(policy, [...images].reverse(), NOW);
    expect(forward.map((d) => d.imageDigest)).toEqual(['sha256:a', 'sha256:b']);
    expect(backward).toEqual(forward);
  });

  it('imageCountMoreThan orders a restored image by its restore time', () => {
    const policy = policyOf([rule(1, { countNumber: 1 })]);
    const images = [
      standard('restored', ['a'], daysAgo(300), { activatedAt: daysAgo(1) }),
      standard('pushed-recently', ['b'], daysAgo(5)),
    ];
    expect(outcome(policy, images)).toEqual({ 'pushed-recently': 'EXPIRE by 1' });
  });
});

describe('storage classes', () => {
  const archiveExpire = { storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 };

  it('standard rules neither count nor act on archived images', () => {
    const policy = policyOf([rule(1, { countNumber: 1 })]);
    const images = [
      archived('arch-new', ['a'], daysAgo(1), daysAgo(1)),
      standard('std-old', ['b'], daysAgo(5)),
      standard('std-new', ['c'], daysAgo(2)),
    ];
    expect(outcome(policy, images)).toEqual({ 'std-old': 'EXPIRE by 1' });
  });

  it('archive rules act only on archived images, from their transition time', () => {
    const policy = policyOf([rule(1, tagged(['v*'], archiveExpire))]);
    const images = [
      archived('arch-91', ['v1'], daysAgo(95), daysAgo(91)),
      archived('arch-89', ['v2'], daysAgo(400), daysAgo(89)),
      archived('arch-other-tag', ['x'], daysAgo(400), daysAgo(300)),
      standard('std-ancient', ['v0'], daysAgo(900), { transitionedAt: daysAgo(500) }),
    ];
    expect(outcome(policy, images)).toEqual({ 'arch-91': 'EXPIRE by 1' });
  });

  it('an `any` rule of each storage class works side by side', () => {
    const policy = policyOf([rule(1, { tagStatus: 'untagged', ...olderThan(7) }), rule(2, archiveExpire), rule(3, { countNumber: 1 })]);
    const images = [
      standard('untagged-old', [], daysAgo(8)),
      standard('tagged-old', ['a'], daysAgo(8)),
      standard('tagged-new', ['b'], daysAgo(1)),
      archived('archived-old', [], daysAgo(900), daysAgo(100)),
    ];
    expect(outcome(policy, images)).toEqual({
      'untagged-old': 'EXPIRE by 1',
      'archived-old': 'EXPIRE by 2',
      'tagged-old': 'EXPIRE by 3',
    });
  });
});

describe('images referenced by a manifest list', () => {
  const untaggedOld = rule(1, { tagStatus: 'untagged', ...olderThan(1) });

  it('are not expired while the list is in the repository, nor by a lower rule', () => {
    const policy = policyOf([untaggedOld, rule(2, { countNumber: 1 })]);
    const images = [
      standard('child', [], daysAgo(10), { referencedBy: ['index'] }),
      standard('index', ['v1'], daysAgo(10)),
      standard('newest', ['v2'], daysAgo(1)),
    ];
    expect(outcome(policy, images)).toEqual({ index: 'EXPIRE by 2' });
  });

  it('are expired once the list is gone', () => {
    const policy = policyOf([untaggedOld]);
    const images = [standard('child', [], daysAgo(10), { referencedBy: ['deleted-index'] })];
    expect(outcome(policy, images)).toEqual({ child: 'EXPIRE by 1' });
  });

  it('may be archived once the list is archived, but not expired', () => {
    const archivedIndex = archived('index', ['v1'], daysAgo(100), daysAgo(50));
    const child = standard('child', [], daysAgo(100), { referencedBy: ['index'] });
    const transition = policyOf([rule(1, { tagStatus: 'untagged', ...olderThan(30) }, toArchive)]);
    expect(outcome(transition, [archivedIndex, child])).toEqual({ child: 'TRANSITION by 1' });
    expect(outcome(policyOf([untaggedOld]), [archivedIndex, child])).toEqual({});
  });
});

describe('decision shape and summary', () => {
  it('maps onto LifecyclePolicyPreviewResult fields, oldest first', () => {
    const policy = policyOf([rule(1, tagged(['old*'], olderThan(30)), toArchive), rule(2, { countNumber: 1 })]);
    const images = [
      standard('sha256:3', ['new'], daysAgo(1)),
      standard('sha256:2', ['mid'], daysAgo(20)),
      standard('sha256:1', ['old-1', 'latest-x'], daysAgo(40)),
    ];
    const decisions = evaluateLifecyclePolicy(policy, images, NOW);
    expect(decisions).toEqual([
      {
        imageDigest: 'sha256:1',
        imageTags: ['old-1', 'latest-x'],
        imagePushedAt: daysAgo(40),
        storageClass: 'STANDARD',
        appliedRulePriority: 1,
        action: { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' },
      },
      {
        imageDigest: 'sha256:2',
        imageTags: ['mid'],
        imagePushedAt: daysAgo(20),
        storageClass: 'STANDARD',
        appliedRulePriority: 2,
        action: { type: 'EXPIRE' },
      },
    ]);
    expect(summarizeLifecycleDecisions(decisions)).toEqual({
      expiringImageTotalCount: 1,
      transitioningImageTotalCounts: [{ targetStorageClass: 'ARCHIVE', imageTotalCount: 1 }],
    });
  });

  it('omits transitioning counts when nothing transitions, as ECR does', () => {
    expect(summarizeLifecycleDecisions([])).toEqual({ expiringImageTotalCount: 0 });
  });

  it('returns nothing for an empty repository and accepts any iterable', () => {
    const policy = policyOf([rule(1)]);
    expect(evaluateLifecyclePolicy(policy, [], NOW)).toEqual([]);
    function* gen() {
      yield standard('a', [], new Date(NOW.getTime() - 2 * DAY_MS));
      yield standard('b', [], NOW);
    }
    expect(evaluateLifecyclePolicy(policy, gen(), NOW).map((d) => d.imageDigest)).toEqual(['a']);
  });

  it('rejects an image with an invalid push time instead of ordering arbitrarily', () => {
    expect(() => evaluateLifecyclePolicy(policyOf([rule(1)]), [standard('bad', [], new Date(Number.NaN))], NOW)).toThrow(
      'image bad has an invalid pushedAt',
    );
  });
});
