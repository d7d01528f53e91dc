import { describe, expect, it } from 'vitest';
import { compileTagPattern, compileTagSelection } from '../../src/lifecycle/policy/tag-matcher.js';
import type { LifecycleSelection } from '../../src/lifecycle/policy/index.js';

describe('compileTagPattern', () => {
  const cases: [string, string, boolean][] = [
    // The guide's examples: prod* matches prod, prod1, production-team1; *prod* matches inside.
    ['prod*', 'prod', true],
    ['prod*', 'prod1', true],
    ['prod*', 'production-team1', true],
    ['prod*', 'preprod', false],
    ['*prod*', 'repo-production', true],
    ['*prod*', 'prod-team', true],
    ['*prod*', 'pro-d', false],
    // No wildcard: the whole tag must be equal.
    ['latest', 'latest', true],
    ['latest', 'latest2', false],
    ['latest', 'Latest', false],
    // Suffix and infix anchoring.
    ['*-rc', 'v1.2-rc', true],
    ['*-rc', 'v1.2-rc1', false],
    ['v*-rc', 'v-rc', true],
    ['v*.*.*', 'v1.2.3', true],
    ['v*.*.*', 'v1.2', false],
    ['*', 'anything', true],
    ['**', 'x', true],
    // Segments must not overlap the anchored head and tail.
    ['ab*ba', 'aba', false],
    ['ab*ba', 'abba', true],
    ['a*a*a', 'aa', false],
    ['a*a*a', 'aaa', true],
    // Leftmost placement of middle segments is exact.
    ['*test*1*2*3', 'my-test-3-1-2-3', true],
    ['*test*1*2*3', 'my-test-3-2-1', false],
  ];
  it.each(cases)('%s vs %s -> %s', (pattern, tag, expected) => {
    expect(compileTagPattern(pattern)(tag)).toBe(expected);
  });

  it('rejects a near-miss on a long tag without backtracking blow-up', () => {
    const matches = compileTagPattern('*a*a*a*a');
    expect(matches(`${'a'.repeat(127)}b`)).toBe(false);
    expect(matches(`b${'a'.repeat(127)}`)).toBe(true);
  });
});

describe('compileTagSelection', () => {
  const sel = (s: Partial<LifecycleSelection>): LifecycleSelection => ({
    tagStatus: 'tagged',
    storageClass: 'standard',
    countType: 'imageCountMoreThan',
    countNumber: 1,
    ...s,
  });

  it('untagged selects only images without tags; any selects all', () => {
    expect(compileTagSelection(sel({ tagStatus: 'untagged' }))([])).toBe(true);
    expect(compileTagSelection(sel({ tagStatus: 'untagged' }))(['x'])).toBe(false);
    expect(compileTagSelection(sel({ tagStatus: 'any' }))([])).toBe(true);
    expect(compileTagSelection(sel({ tagStatus: 'any' }))(['x'])).toBe(true);
  });

  it('tagged never selects an untagged image', () => {
    expect(compileTagSelection(sel({ tagPatternList: ['*'] }))([])).toBe(false);
  });

  it('requires every prefix to match some tag, possibly different tags', () => {
    const selects = compileTagSelection(sel({ tagPrefixList: ['prod', 'v1'] }));
    expect(selects(['prod-eu', 'v1.2'])).toBe(true);
    expect(selects(['prod-v1'])).toBe(false);
    expect(selects(['v1.0', 'staging'])).toBe(false);
  });

  it('requires every pattern to match some tag (multi-pattern AND)', () => {
    const selects = compileTagSelection(sel({ tagPatternList: ['alpha*', '*-rc'] }));
    expect(selects(['alpha-1', 'v2-rc'])).toBe(true);
    expect(selects(['alpha-rc'])).toBe(true);
    expect(selects(['alpha-1'])).toBe(false);
    expect(selects(['beta-rc', 'gamma'])).toBe(false);
  });

  it('finds a match among many tags', () => {
    const tags = Array.from({ length: 1000 }, (_, i) => `build-${i}`);
    expect(compileTagSelection(sel({ tagPatternList: ['build-99*', '*-999'] }))(tags)).toBe(true);
    expect(compileTagSelection(sel({ tagPatternList: ['build-99*', 'release*'] }))(tags)).toBe(false);
  });
});
