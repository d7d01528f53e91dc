import type { ImageScanRecord, NewFinding, RegistryScanningConfigRecord, RescanCandidate, ScanResult, StoredFinding } from './scan-store.js';

/**
 * The scanning tables' rows and their records, shared by both engines (see rows.ts), and how an
 * evaluation's findings become the rows stored: both engines replace an image's findings with
 * the rows computed here from the rows before.
 */

export interface ConfigRow {
  account_id: string;
  scan_type: string;
  rules: string;
  updated_at: number;
}

export interface ScanRow {
  manifest_id: number;
  repository_id: number;
  digest: string;
  scan_type: string;
  status: string;
  description: string | null;
  generation: number;
  requested_at: number;
  completed_at: number | null;
  vulndb_version: number | null;
  vuln_source_updated_at: number | null;
  severity_counts: string | null;
  enhanced_severity_counts: string | null;
  image_facts: string | null;
}

/** A stored finding (without its manifest id); `finding` is the JSON text. */
export interface FindingRow {
  finding_key: string;
  group_key: string;
  position: number;
  status: string;
  severity: string;
  finding: string;
  first_observed_at: number;
  last_observed_at: number;
  updated_at: number;
}

/** Columns of image_scan_findings in FindingRow order, after manifest_id. */
export const FINDING_COLUMNS = 'finding_key, group_key, position, status, severity, finding, first_observed_at, last_observed_at, updated_at';

export const toConfig = (row: ConfigRow): RegistryScanningConfigRecord => ({
  accountId: row.account_id,
  scanType: row.scan_type as RegistryScanningConfigRecord['scanType'],
  rules: JSON.parse(row.rules),
  updatedAt: new Date(row.updated_at),
});

export function toScan(row: ScanRow): ImageScanRecord {
  const scan: ImageScanRecord = {
    manifestId: row.manifest_id,
    repositoryId: row.repository_id,
    digest: row.digest,
    scanType: row.scan_type as ImageScanRecord['scanType'],
    status: row.status as ImageScanRecord['status'],
    generation: row.generation,
    requestedAt: new Date(row.requested_at),
  };
  if (row.description !== null) scan.description = row.description;
  if (row.completed_at !== null) scan.completedAt = new Date(row.completed_at);
  if (row.vulndb_version !== null) scan.vulnDbVersion = row.vulndb_version;
  if (row.vuln_source_updated_at !== null) scan.vulnSourceUpdatedAt = new Date(row.vuln_source_updated_at);
  if (row.severity_counts !== null) scan.severityCounts = JSON.parse(row.severity_counts);
  if (row.enhanced_severity_counts !== null) scan.enhancedSeverityCounts = JSON.parse(row.enhanced_severity_counts);
  if (row.image_facts !== null) scan.image = JSON.parse(row.image_facts);
  return scan;
}

export const toFinding = (row: FindingRow): StoredFinding => ({
  key: row.finding_key,
  groupKey: row.group_key,
  position: row.position,
  status: row.status as StoredFinding['status'],
  severity: row.severity,
  finding: JSON.parse(row.finding),
  firstObservedAt: new Date(row.first_observed_at),
  lastObservedAt: new Date(row.last_observed_at),
  updatedAt: new Date(row.updated_at),
});

/** Image manifests whose config is an image config: what ECR calls an image (indexes and artifacts are not scanned). */
const SCANNABLE = `m.media_type IN ('application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json')
  AND m.artifact_type IN ('application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json')`;

/**
 * listRescanCandidates' query, given its four placeholders (repository id, manifest id to start
 * after, version bound, limit). Failed and unsupported images are left alone: a database update
 * does not make their layers readable. Images scanned while the database was empty
 * (FINDINGS_UNAVAILABLE) are matched once it has advisories.
 */
export const rescanCandidatesQuery = ([repository, after, below, limit]: readonly [string, string, string, string]): string =>
  `SELECT m.id AS manifest_id, m.digest, s.status, s.generation, s.vulndb_version, s.scan_type
   FROM manifests m LEFT JOIN image_scans s ON s.manifest_id = m.id
   WHERE m.repository_id = ${repository} AND m.id > ${after} AND ${SCANNABLE}
     AND (s.manifest_id IS NULL OR (s.status IN ('COMPLETE', 'ACTIVE', 'FINDINGS_UNAVAILABLE') AND COALESCE(s.vulndb_version, -1) < ${below}))
   ORDER BY m.id LIMIT ${limit}`;

/** The image_scans columns a completed scan sets, in COMPLETED_SCAN_VALUES order (facts given replace the stored ones). */
const COMPLETED_SCAN_COLUMNS = [
  'status',
  'description',
  'completed_at',
  'vulndb_version',
  'vuln_source_updated_at',
  'severity_counts',
  'enhanced_severity_counts',
  'image_facts',
  'scan_type',
] as const;

export const completedScanValues = (result: ScanResult): unknown[] => [
  result.status,
  result.description,
  result.completedAt.getTime(),
  result.vulnDbVersion,
  result.vulnSourceUpdatedAt?.getTime() ?? null,
  JSON.stringify(result.severityCounts),
  JSON.stringify(result.enhancedSeverityCounts),
  result.image ? JSON.stringify(result.image) : null,
  result.scanType,
];

/** `column = <placeholder>, …` for COMPLETED_SCAN_COLUMNS, keeping the stored image facts when none are given. */
export const completedScanAssignments = (placeholder: (index: number) => string): string =>
  COMPLETED_SCAN_COLUMNS.map((column, i) => (column === 'image_facts' ? `image_facts = COALESCE(${placeholder(i)}, image_facts)` : `${column} = ${placeholder(i)}`)).join(', ');

/** A re-scan candidate as listRescanCandidates selects it (the scan's columns are NULL without a scan). */
export interface CandidateRow {
  manifest_id: number;
  digest: string;
  status: string | null;
  generation: number | null;
  vulndb_version: number | null;
  scan_type: string | null;
}

export const toCandidate = (r: CandidateRow): RescanCandidate => ({
  manifestId: r.manifest_id,
  digest: r.digest,
  ...(r.status !== null && {
    scan: {
      status: r.status as ImageScanRecord['status'],
      generation: r.generation!,
      scanType: r.scan_type as ImageScanRecord['scanType'],
      ...(r.vulndb_version !== null && { vulnDbVersion: r.vulndb_version }),
    },
  }),
});

export interface FindingsUpdate {
  /** Every finding of the image after the evaluation, in listing order. */
  rows: FindingRow[];
  /** Whether anything a client sees changed. */
  changed: boolean;
}

/** Basic scans: the findings are exactly the new ones, all observed now. */
export function replacedFindings(before: readonly Pick<FindingRow, 'finding_key' | 'finding'>[], findings: readonly NewFinding[], at: number): FindingsUpdate {
  const rows = findings.map((f, position): FindingRow => {
    const json = JSON.stringify(f.finding);
    return { finding_key: f.key, group_key: f.groupKey, position, status: 'ACTIVE', severity: f.severity, finding: json, first_observed_at: at, last_observed_at: at, updated_at: at };
  });
  const previous = new Map(before.map((r) => [r.finding_key, r.finding]));
  return { rows, changed: before.length !== rows.length || rows.some((r) => previous.get(r.finding_key) !== r.finding) };
}

/**
 * Enhanced scans (Inspector's model): a finding seen again keeps its first-observed time and
 * changes its updated time only when its content or status changed; a finding no longer seen is
 * CLOSED and kept, listed after the active ones.
 */
export function trackedFindings(before: readonly FindingRow[], findings: readonly NewFinding[], at: number): FindingsUpdate {
  const old = new Map(before.map((r) => [r.finding_key, r]));
  const rows: FindingRow[] = [];
  let changed = false;
  for (const f of findings) {
    const json = JSON.stringify(f.finding);
    const previous = old.get(f.key);
    old.delete(f.key);
    const same = previous !== undefined && previous.status === 'ACTIVE' && previous.finding === json && previous.severity === f.severity;
    if (!same) changed = true;
    rows.push({
      finding_key: f.key,
      group_key: f.groupKey,
      position: rows.length,
      status: 'ACTIVE',
      severity: f.severity,
      finding: json,
      first_observed_at: previous?.first_observed_at ?? at,
      last_observed_at: at,
      updated_at: same ? previous.updated_at : at,
    });
  }
  for (const closed of [...old.values()].sort((a, b) => a.position - b.position)) {
    const closing = closed.status === 'ACTIVE';
    if (closing) changed = true;
    rows.push({ ...closed, position: rows.length, status: 'CLOSED', updated_at: closing ? at : closed.updated_at });
  }
  return { rows, changed };
}
