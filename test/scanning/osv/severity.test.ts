import { describe, expect, it } from 'vitest';
import { scoreCvssVector } from '../../../src/scanning/osv/cvss.js';
import { resolveSeverity, severityFromScore } from '../../../src/scanning/osv/severity.js';
import type { OsvRecord } from '../../../src/domain/osv.js';

const record = (extra: Partial<OsvRecord>): OsvRecord => ({ id: 'X-1', modified: '2026-01-01T00:00:00Z', ...extra });

describe('CVSS base scores (FIRST reference values)', () => {
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', '3.1', 9.8],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N', '3.1', 5.5],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', '3.1', 6.1],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', '3.0', 8.8],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', '4.0', 9.3],
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', '2.0', 7.5],
    ['AV:N/AC:M/Au:N/C:N/I:P/A:N', '2.0', 4.3],
  ])('%s = %s', (vector, version, score) => {
    expect(scoreCvssVector(vector)).toEqual({ version, vector, baseScore: score });
  });

  it('scores nothing for a malformed vector', () => {
    expect(scoreCvssVector('CVSS:3.1/AV:N/garbage')).toBeUndefined();
    expect(scoreCvssVector('high')).toBeUndefined();
  });
});

describe('severity', () => {
  it('maps scores to the CVSS qualitative bands', () => {
    const v3 = (baseScore: number) => severityFromScore({ version: '3.1', vector: '', baseScore });
    expect([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(v3)).toEqual([
      'INFORMATIONAL', 'LOW', 'LOW', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH', 'CRITICAL', 'CRITICAL',
    ]);
    expect(severityFromScore({ version: '2.0', vector: '', baseScore: 10 })).toBe('HIGH');
  });

  it('prefers a CVSS v3 vector, on the affected entry before the record', () => {
    const r = record({
      severity: [
        { type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' },
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N' },
      ],
      database_specific: { severity: 'CRITICAL' },
    });
    expect(resolveSeverity(r)).toMatchObject({ severity: 'MEDIUM', source: 'cvss', cvss: { baseScore: 5.5 } });
    const affected = { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] };
    expect(resolveSeverity(r, affected)).toMatchObject({ severity: 'CRITICAL', cvss: { baseScore: 9.8 } });
  });

  it("falls back to the database's own label", () => {
    expect(resolveSeverity(record({ database_specific: { severity: 'MODERATE' } }))).toEqual({ severity: 'MEDIUM', source: 'database' });
    expect(resolveSeverity(record({}), { database_specific: { urgency: 'unimportant', severity: 'INFORMATIONAL' } })).toEqual({
      severity: 'INFORMATIONAL',
      source: 'database',
    });
    expect(resolveSeverity(record({ severity: [{ type: 'Ubuntu', score: 'medium' }] }))).toEqual({ severity: 'MEDIUM', source: 'database' });
  });

  it('says UNDEFINED rather than inventing one', () => {
    expect(resolveSeverity(record({}))).toEqual({ severity: 'UNDEFINED', source: 'none' });
    expect(resolveSeverity(record({ database_specific: { severity: 'not yet assigned' } }))).toEqual({ severity: 'UNDEFINED', source: 'none' });
    expect(resolveSeverity(record({ severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/broken' }] }))).toEqual({ severity: 'UNDEFINED', source: 'none' });
  });
});
