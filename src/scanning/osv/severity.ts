import type { CvssScore, Severity } from '../types.js';
import { scoreCvssVector } from './cvss.js';
import type { OsvAffected, OsvRecord, OsvSeverity } from '../../domain/osv.js';

/**
 * A finding's severity, never invented: from a CVSS vector in the advisory (v3.x preferred, as
 * ECR reports, then v4.0, then v2), else from the database's own label, else UNDEFINED.
 */
export interface ResolvedSeverity {
  severity: Severity;
  source: 'cvss' | 'database' | 'none';
  cvss?: CvssScore;
}

const CVSS_PREFERENCE = ['CVSS_V3', 'CVSS_V4', 'CVSS_V2'];

/** CVSS v3/v4 qualitative bands; v2 has no Critical band (NVD: 7.0–10.0 is High). */
export function severityFromScore(score: CvssScore): Severity {
  const s = score.baseScore;
  if (score.version === '2.0') return s >= 7 ? 'HIGH' : s >= 4 ? 'MEDIUM' : 'LOW';
  if (s === 0) return 'INFORMATIONAL';
  if (s >= 9) return 'CRITICAL';
  if (s >= 7) return 'HIGH';
  if (s >= 4) return 'MEDIUM';
  return 'LOW';
}

/** Vendor labels as databases spell them (GHSA "MODERATE", Red Hat "Important", Debian "unimportant"). */
const LABELS: Record<string, Severity> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  important: 'HIGH',
  medium: 'MEDIUM',
  moderate: 'MEDIUM',
  low: 'LOW',
  negligible: 'INFORMATIONAL',
  unimportant: 'INFORMATIONAL',
  informational: 'INFORMATIONAL',
  none: 'INFORMATIONAL',
};

export function severityFromLabel(label: unknown): Severity | undefined {
  if (typeof label !== 'string') return undefined;
  return LABELS[label.trim().replace(/\*+$/, '').toLowerCase()];
}

function fromCvss(entries: OsvSeverity[] | undefined): ResolvedSeverity | undefined {
  if (!entries?.length) return undefined;
  for (const type of CVSS_PREFERENCE) {
    for (const entry of entries) {
      if (entry.type !== type || typeof entry.score !== 'string') continue;
      const cvss = scoreCvssVector(entry.score);
      if (cvss) return { severity: severityFromScore(cvss), source: 'cvss', cvss };
    }
  }
  return undefined;
}

function fromLabels(...bags: (Record<string, unknown> | undefined)[]): Severity | undefined {
  for (const bag of bags) {
    const s = severityFromLabel(bag?.severity);
    if (s) return s;
  }
  return undefined;
}

export function resolveSeverity(record: OsvRecord, affected?: OsvAffected): ResolvedSeverity {
  const cvss = fromCvss(affected?.severity) ?? fromCvss(record.severity);
  if (cvss) return cvss;
  // OSV's non-CVSS severity types (e.g. "Ubuntu") carry a label as the score.
  const typed = [...(affected?.severity ?? []), ...(record.severity ?? [])].find((s) => !s.type.startsWith('CVSS_'));
  const label =
    fromLabels(affected?.ecosystem_specific, affected?.database_specific, record.database_specific) ??
    severityFromLabel(typed?.score);
  return label ? { severity: label, source: 'database' } : { severity: 'UNDEFINED', source: 'none' };
}
