import { describe, expect, it } from 'vitest';
import { matchAffected } from '../../../src/scanning/osv/range.js';
import type { OsvAffected, OsvEvent } from '../../../src/domain/osv.js';
import { goComparator, semverComparator } from '../../../src/scanning/versions/index.js';

const semverRange = (events: OsvEvent[], extra: Partial<OsvAffected> = {}): OsvAffected => ({
  package: { ecosystem: 'npm', name: 'x' },
  ranges: [{ type: 'SEMVER', events }],
  ...extra,
});
const hit = (v: string, a: OsvAffected) => matchAffected(v, a, semverComparator);

// The examples of the OSV schema's "Evaluation" section.
describe('OSV range evaluation', () => {
  it('treats introduced "0" with no end as every version', () => {
    expect(hit('0.0.1', semverRange([{ introduced: '0' }]))).toEqual({});
    expect(hit('99.0.0', semverRange([{ introduced: '0' }]))).toEqual({});
  });

  it('stops at fixed and reports the fix', () => {
    const a = semverRange([{ introduced: '0' }, { fixed: '1.0.2' }]);
    expect(hit('1.0.1', a)).toEqual({ fixedVersion: '1.0.2' });
    expect(hit('1.0.2', a)).toBeNull();
  });

  it('evaluates several intervals in one range, whatever the event order', () => {
    const a = semverRange([{ fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' }]);
    expect(hit('0.9.0', a)).toBeNull();
    expect(hit('1.0.0', a)).toEqual({ fixedVersion: '1.0.2' });
    expect(hit('2.0.0', a)).toBeNull();
    expect(hit('3.1.0', a)).toEqual({ fixedVersion: '3.2.5' });
    expect(hit('3.2.5', a)).toBeNull();
  });

  it('includes last_affected itself and nothing after it', () => {
    const a = semverRange([{ introduced: '1.0.0' }, { last_affected: '2.0.0' }]);
    expect(hit('2.0.0', a)).toEqual({});
    expect(hit('2.0.1', a)).toBeNull();
    expect(hit('0.5.0', a)).toBeNull();
  });

  it('ignores versions at or beyond every limit', () => {
    const a = semverRange([{ introduced: '0' }, { limit: '2.0.0' }]);
    expect(hit('1.9.9', a)).toEqual({});
    expect(hit('2.0.0', a)).toBeNull();
    expect(hit('5.0.0', semverRange([{ introduced: '0' }, { limit: '*' }]))).toEqual({});
  });

  it('matches explicit version lists, with the range fix when there is one', () => {
    expect(hit('1.3.7', { versions: ['1.3.7'] })).toEqual({});
    expect(hit('1.3.8', { versions: ['1.3.7'] })).toBeNull();
    expect(hit('1.3.7', semverRange([{ introduced: '0' }, { fixed: '1.4.0' }], { versions: ['1.3.7'] }))).toEqual({ fixedVersion: '1.4.0' });
  });

  it('ignores GIT ranges', () => {
    const git: OsvAffected = { ranges: [{ type: 'GIT', repo: 'https://example.com/r', events: [{ introduced: '0' }, { fixed: 'abc123' }] }] };
    expect(hit('1.0.0', git)).toBeNull();
  });

  it('uses the ecosystem comparator for ECOSYSTEM ranges and Go\'s for Go SEMVER ranges', () => {
    const a: OsvAffected = { ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.20.14' }] }] };
    expect(matchAffected('v1.19.8', a, goComparator)).toEqual({ fixedVersion: '1.20.14' });
    expect(matchAffected('go1.21rc2', a, goComparator)).toBeNull();
  });

  it('throws on versions it cannot order rather than calling them safe', () => {
    expect(() => hit('not.a.version', semverRange([{ introduced: '0' }, { fixed: '1.0.0' }]))).toThrow(/not a valid semver version/);
  });
});
