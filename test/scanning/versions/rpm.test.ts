import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareRpmVersions, parseEvr, rpmvercmp } from '../../../src/scanning/versions/rpm.js';

// rpm's own tests/rpmvercmp.at.
const vectors = [
  ...readFileSync(new URL('./vectors/rpmvercmp.at', import.meta.url), 'utf8').matchAll(
    /^RPMVERCMP\(([^,]*), ([^,]*), (-?\d)\)$/gm,
  ),
].map((m) => [m[1]!, m[2]!, Number(m[3])] as const);

describe('rpmvercmp', () => {
  it('has the upstream vectors loaded', () => {
    expect(vectors.length).toBeGreaterThan(90);
  });

  it.each(vectors)('rpmvercmp(%s, %s) = %i', (a, b, expected) => {
    expect(rpmvercmp(a, b)).toBe(expected);
  });
});

describe('rpm EVR comparison', () => {
  it('parses epoch, version and release', () => {
    expect(parseEvr('1:3.0.7-24.el9')).toEqual({ epoch: 1, version: '3.0.7', release: '24.el9' });
    expect(parseEvr('2.0')).toEqual({ epoch: 0, version: '2.0' });
  });

  it('compares the epoch first, then version, then release', () => {
    expect(compareRpmVersions('1:1.0-1', '2.0-1')).toBeGreaterThan(0);
    expect(compareRpmVersions('3.0.7-24.el9', '3.0.7-25.el9')).toBeLessThan(0);
    expect(compareRpmVersions('3.0.7-27.el9_5', '3.0.7-27.el9')).toBeGreaterThan(0);
    expect(compareRpmVersions('0:3.0.7-24.el9', '3.0.7-24.el9')).toBe(0);
    expect(compareRpmVersions('1.0~rc1-1', '1.0-1')).toBeLessThan(0);
  });
});
