import { describe, expect, it } from 'vitest';
import { goComparator, normalizeGoVersion } from '../../../src/scanning/versions/go.js';
import { compareSemver } from '../../../src/scanning/versions/semver.js';

describe('SemVer comparison', () => {
  // semver.org §11 precedence example.
  it('orders the SemVer 2.0 precedence example', () => {
    const order = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1',
      '1.0.0', '2.0.0', '2.1.0', '2.1.1'];
    for (let i = 0; i < order.length - 1; i++) expect(compareSemver(order[i]!, order[i + 1]!)).toBe(-1);
  });

  it('ignores build metadata', () => {
    expect(compareSemver('1.0.0+build.1', '1.0.0')).toBe(0);
  });
});

describe('Go version comparison', () => {
  it('normalises toolchain versions the way the Go vulndb writes them', () => {
    expect(normalizeGoVersion('go1.19.8')).toBe('1.19.8');
    expect(normalizeGoVersion('go1.19')).toBe('1.19.0');
    expect(normalizeGoVersion('go1.21rc2')).toBe('1.21.0-rc.2');
    expect(normalizeGoVersion('v1.6.0')).toBe('1.6.0');
  });

  it('orders module versions, pseudo-versions and +incompatible', () => {
    expect(goComparator.compare('v1.5.0', '1.6.0')).toBeLessThan(0);
    expect(goComparator.compare('v0.0.0-20210101000000-abcdefabcdef', 'v0.0.1')).toBeLessThan(0);
    expect(goComparator.compare('v2.0.0+incompatible', '2.0.0')).toBe(0);
    expect(goComparator.compare('go1.19.8', '1.19.9')).toBeLessThan(0);
    expect(goComparator.compare('go1.21rc2', '1.21.0')).toBeLessThan(0);
  });

  it('refuses what is not a version', () => {
    expect(goComparator.isValid('(devel)')).toBe(false);
    expect(() => goComparator.compare('(devel)', '1.0.0')).toThrow(/not a valid go version/);
  });
});
