import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareApkVersions, isValidApkVersion } from '../../../src/scanning/versions/apk.js';

// apk-tools' own test/version.data: "a <op> b" per line.
const vectors = readFileSync(new URL('./vectors/apk-version.data', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean)
  .map((line) => line.split(/\s+/) as [string, '<' | '>' | '=', string]);

describe('apk version comparison', () => {
  it('has the upstream vectors loaded', () => {
    expect(vectors.length).toBeGreaterThan(700);
  });

  it.each(vectors)('%s %s %s', (a, op, b) => {
    const expected = op === '<' ? -1 : op === '>' ? 1 : 0;
    expect(Math.sign(compareApkVersions(a, b))).toBe(expected);
    expect(Math.sign(compareApkVersions(b, a))).toBe(expected === 0 ? 0 : -expected);
  });

  it('orders the musl fix from the Alpine secdb', () => {
    expect(compareApkVersions('1.1.18-r3', '1.1.18-r4')).toBeLessThan(0);
    expect(compareApkVersions('1.1.22-r3', '1.1.18-r4')).toBeGreaterThan(0);
  });

  it('validates version syntax', () => {
    expect(isValidApkVersion('1.1.18-r3')).toBe(true);
    expect(isValidApkVersion('2.9.11_pre20051101-r2')).toBe(true);
    expect(isValidApkVersion('1.0-foo')).toBe(false);
    expect(isValidApkVersion('1.0_bogus')).toBe(false);
  });
});
