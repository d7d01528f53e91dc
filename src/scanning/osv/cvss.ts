import cvssLib from 'ae-cvss-calculator';
import type { CvssScore } from '../types.js';

/**
 * CVSS base scores through ae-cvss-calculator ({metæffekt}, Apache-2.0), which implements the
 * FIRST specifications for v2, v3.0, v3.1 and v4.0 — so no scoring formula is hand-written here.
 */
const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = cvssLib;

export function scoreCvssVector(vector: string): CvssScore | undefined {
  const v = vector.trim();
  try {
    if (v.startsWith('CVSS:3.1/')) return score('3.1', v, new Cvss3P1(v).calculateScores().base);
    if (v.startsWith('CVSS:3.0/')) return score('3.0', v, new Cvss3P0(v).calculateScores().base);
    if (v.startsWith('CVSS:4.0/')) return score('4.0', v, new Cvss4P0(v).calculateScores().base);
    if (/^(\(?AV:[LAN]\/)/.test(v)) return score('2.0', v, new Cvss2(v.replace(/^\(|\)$/g, '')).calculateScores().base);
  } catch {
    // A malformed vector scores nothing rather than something invented.
  }
  return undefined;
}

function score(version: CvssScore['version'], vector: string, base: number | undefined): CvssScore | undefined {
  if (typeof base !== 'number' || !Number.isFinite(base) || base < 0 || base > 10) return undefined;
  return { version, vector, baseScore: base };
}
