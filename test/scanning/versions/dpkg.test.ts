import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareDebianVersions, parseDebianVersion } from '../../../src/scanning/versions/dpkg.js';

const cmp = (a: string, b: string): number => Math.sign(compareDebianVersions(a, b));

describe('dpkg version comparison', () => {
  // Debian policy §5.6.12: "~~" < "~~a" < "~" < "" < "a".
  it('orders the tilde examples from Debian policy', () => {
    const ordered = ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a'];
    for (let i = 0; i < ordered.length - 1; i++) {
      for (let j = i + 1; j < ordered.length; j++) {
        expect(cmp(ordered[i]!, ordered[j]!), `${ordered[i]} < ${ordered[j]}`).toBe(-1);
        expect(cmp(ordered[j]!, ordered[i]!)).toBe(1);
      }
    }
  });

  // dpkg's lib/dpkg/t/t-version.c.
  it.each([
    ['0:0-0', '0:0-0', 0],
    ['0:0-00', '0:00-0', 0],
    ['1:2-3', '1:2-3', 0],
    ['0:0-0', '1:0-0', -1],
    ['1:0-0', '0:0-0', 1],
    ['0:a-0', '0:b-0', -1],
    ['0:b-0', '0:a-0', 1],
    ['0:0-a', '0:0-b', -1],
    ['0:0-b', '0:0-a', 1],
    ['0:1-1', '0:2-1', -1],
    ['0:1-1', '0:1-2', -1],
    ['0', '0:0', 0],
    ['0:0-', '0', 0],
    ['0:0.0-0.0', '0.0-0.0', 0],
    ['5:1', '5:1', 0],
    ['0:0-0-0', '0-0-0', 0],
    ['0:0:0-0', '0:0:0-0', 0],
    ['0:09azAZ.-+~:-0', '0:09azAZ.-+~:-0', 0],
  ] as const)('%s vs %s = %i', (a, b, expected) => {
    expect(cmp(a, b)).toBe(expected);
  });

  it('splits epoch, upstream and revision like dpkg', () => {
    expect(parseDebianVersion('1:2.66-4+deb12u3')).toEqual({ epoch: 1, upstream: '2.66', revision: '4+deb12u3' });
    expect(parseDebianVersion('0:0-0-0')).toEqual({ epoch: 0, upstream: '0-0', revision: '0' });
    expect(parseDebianVersion('0:0:0-0')).toEqual({ epoch: 0, upstream: '0:0', revision: '0' });
    expect(() => parseDebianVersion('')).toThrow();
    expect(() => parseDebianVersion('0:')).toThrow();
    expect(() => parseDebianVersion('a:0-0')).toThrow();
    expect(() => parseDebianVersion('0:0 0-1')).toThrow();
  });

  it('orders real bookworm security updates', () => {
    expect(cmp('2.5.0-1+deb12u2', '2.5.0-1+deb12u4')).toBe(-1);
    expect(cmp('18.20.4+dfsg-1~deb12u2', '18.20.4+dfsg-1~deb12u3')).toBe(-1);
    expect(cmp('20230311+deb12u1', '20250419~deb12u2')).toBe(-1);
    expect(cmp('3.0.20-1~deb12u2', '3.0.22-1~deb12u2')).toBe(-1);
    expect(cmp('1:2.66-4+deb12u3', '2.66-5')).toBe(1);
  });

  // Cross-check against the real dpkg when this machine has one: every pair of versions from the
  // bookworm status fixtures and the advisory fixed versions.
  it.runIf(existsSync('/usr/bin/dpkg'))('agrees with dpkg --compare-versions on fixture versions', () => {
    const status = readFileSync(new URL('../../fixtures/vulndb/debian-bookworm/installed/rich.status', import.meta.url), 'utf8');
    const versions = [...new Set([...status.matchAll(/^Version: (.+)$/gm)].map((m) => m[1]!))].slice(0, 40);
    versions.push('2.6.2', '10.42-1+deb12u2', '5.36.0-7+deb12u4', '2026f-0+deb12u1', '1:2.66-4+deb12u3~', '1.0~rc1');
    for (let i = 0; i < versions.length; i += 4) {
      for (let j = 1; j < versions.length; j += 6) {
        const a = versions[i]!;
        const b = versions[j]!;
        const lt = dpkgSays(a, 'lt', b);
        const gt = dpkgSays(a, 'gt', b);
        expect(cmp(a, b), `${a} vs ${b}`).toBe(lt ? -1 : gt ? 1 : 0);
      }
    }
  });
});

function dpkgSays(a: string, op: string, b: string): boolean {
  try {
    execFileSync('/usr/bin/dpkg', ['--compare-versions', a, op, b], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
