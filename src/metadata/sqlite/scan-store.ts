import type {
  ImageScanRecord,
  NewFinding,
  RegistryScanningConfigRecord,
  RescanCandidate,
  ScanFailure,
  ScanRequest,
  ScanRequestOutcome,
  ScanResult,
  ScanStore,
  StoredFinding,
} from '../scan-store.js';
import type { SqliteDatabase } from './database.js';
import { insertEvents } from './event-store.js';
import { insertJob } from './job-store.js';

interface ConfigRow {
  account_id: string;
  scan_type: string;
  rules: string;
  updated_at: number;
}

interface ScanRow {
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

interface FindingRow {
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

const toConfig = (row: ConfigRow): RegistryScanningConfigRecord => ({
  accountId: row.account_id,
  scanType: row.scan_type as RegistryScanningConfigRecord['scanType'],
  rules: JSON.parse(row.rules),
  updatedAt: new Date(row.updated_at),
});

function toScan(row: ScanRow): ImageScanRecord {
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

const toFinding = (row: FindingRow): StoredFinding => ({
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

export class SqliteScanStore implements ScanStore {
  constructor(private readonly database: SqliteDatabase) {}

  async getRegistryConfig(accountId: string): Promise<RegistryScanningConfigRecord | undefined> {
    const row = this.database.stmt('SELECT * FROM scan_registry_configs WHERE account_id = ?').get(accountId) as ConfigRow | undefined;
    return row && toConfig(row);
  }

  async putRegistryConfig(record: RegistryScanningConfigRecord): Promise<void> {
    this.database.write(() =>
      this.database
        .stmt(
          `INSERT INTO scan_registry_configs (account_id, scan_type, rules, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (account_id) DO UPDATE SET scan_type = excluded.scan_type, rules = excluded.rules, updated_at = excluded.updated_at`,
        )
        .run(record.accountId, record.scanType, JSON.stringify(record.rules), record.updatedAt.getTime()),
    );
  }

  async listRegistryConfigs(): Promise<RegistryScanningConfigRecord[]> {
    return (this.database.stmt('SELECT * FROM scan_registry_configs ORDER BY account_id').all() as ConfigRow[]).map(toConfig);
  }

  async getScan(manifestId: number): Promise<ImageScanRecord | undefined> {
    const row = this.database.stmt('SELECT * FROM image_scans WHERE manifest_id = ?').get(manifestId) as ScanRow | undefined;
    return row && toScan(row);
  }

  async getScans(manifestIds: readonly number[]): Promise<Map<number, ImageScanRecord>> {
    const scans = new Map<number, ImageScanRecord>();
    const get = this.database.stmt('SELECT * FROM image_scans WHERE manifest_id = ?');
    for (const id of new Set(manifestIds)) {
      const row = get.get(id) as ScanRow | undefined;
      if (row) scans.set(id, toScan(row));
    }
    return scans;
  }

  async requestScan(request: ScanRequest): Promise<ScanRequestOutcome> {
    return this.database.write((): ScanRequestOutcome => {
      const row = this.database.stmt('SELECT * FROM image_scans WHERE manifest_id = ?').get(request.manifestId) as ScanRow | undefined;
      if (row) {
        const existing = toScan(row);
        if (request.onlyIfNeverScanned) return { started: false, existing };
        const since = request.quotaSince?.getTime();
        if (since !== undefined && (existing.status === 'IN_PROGRESS' || row.requested_at >= since)) return { started: false, existing };
      }
      const generation = (row?.generation ?? 0) + 1;
      this.database
        .stmt(
          `INSERT INTO image_scans (manifest_id, repository_id, digest, scan_type, status, description, generation, requested_at)
           VALUES (?, ?, ?, ?, 'IN_PROGRESS', NULL, ?, ?)
           ON CONFLICT (manifest_id) DO UPDATE SET scan_type = excluded.scan_type, status = 'IN_PROGRESS', description = NULL,
             generation = excluded.generation, requested_at = excluded.requested_at`,
        )
        .run(request.manifestId, request.repositoryId, request.digest, request.scanType, generation, request.now.getTime());
      const job = request.job(generation);
      insertJob(this.database, job, job.runAt);
      return { started: true, generation };
    });
  }

  async completeScan(result: ScanResult): Promise<boolean> {
    return this.database.write(() => {
      if (!this.isCurrent(result.manifestId, result.generation)) return false;
      const at = result.completedAt.getTime();
      const changed = result.mode === 'replace' ? this.replaceFindings(result.manifestId, result.findings, at) : this.trackFindings(result.manifestId, result.findings, at);
      this.database
        .stmt(
          `UPDATE image_scans SET status = ?, description = ?, completed_at = ?, vulndb_version = ?, vuln_source_updated_at = ?,
             severity_counts = ?, enhanced_severity_counts = ?, image_facts = COALESCE(?, image_facts), scan_type = ?
           WHERE manifest_id = ?`,
        )
        .run(
          result.status,
          result.description,
          at,
          result.vulnDbVersion,
          result.vulnSourceUpdatedAt?.getTime() ?? null,
          JSON.stringify(result.severityCounts),
          JSON.stringify(result.enhancedSeverityCounts),
          result.image ? JSON.stringify(result.image) : null,
          result.scanType,
          result.manifestId,
        );
      insertEvents(this.database, result.events(changed));
      return true;
    });
  }

  async failScan(failure: ScanFailure): Promise<boolean> {
    return this.database.write(() => {
      if (!this.isCurrent(failure.manifestId, failure.generation)) return false;
      this.database.stmt('DELETE FROM image_scan_findings WHERE manifest_id = ?').run(failure.manifestId);
      this.database
        .stmt(
          `UPDATE image_scans SET status = ?, description = ?, completed_at = ?, vulndb_version = NULL, vuln_source_updated_at = NULL,
             severity_counts = NULL, enhanced_severity_counts = NULL, image_facts = COALESCE(?, image_facts)
           WHERE manifest_id = ?`,
        )
        .run(failure.status, failure.description, failure.completedAt.getTime(), failure.image ? JSON.stringify(failure.image) : null, failure.manifestId);
      insertEvents(this.database, failure.events);
      return true;
    });
  }

  async listFindings(manifestId: number): Promise<StoredFinding[]> {
    const rows = this.database.stmt('SELECT * FROM image_scan_findings WHERE manifest_id = ? ORDER BY position').all(manifestId) as FindingRow[];
    return rows.map(toFinding);
  }

  async getSbom(digest: string): Promise<{ scannerVersion: number; sbom: string } | undefined> {
    const row = this.database.stmt('SELECT scanner_version, sbom FROM scan_sboms WHERE digest = ?').get(digest) as
      | { scanner_version: number; sbom: string }
      | undefined;
    return row && { scannerVersion: row.scanner_version, sbom: row.sbom };
  }

  async putSbom(digest: string, scannerVersion: number, sbom: string, now: Date): Promise<void> {
    this.database.write(() =>
      this.database
        .stmt(
          `INSERT INTO scan_sboms (digest, scanner_version, sbom, created_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (digest) DO UPDATE SET scanner_version = excluded.scanner_version, sbom = excluded.sbom, created_at = excluded.created_at`,
        )
        .run(digest, scannerVersion, sbom, now.getTime()),
    );
  }

  async pruneSboms(digests?: readonly string[]): Promise<number> {
    return this.database.write(() => {
      if (digests === undefined) {
        return this.database.stmt('DELETE FROM scan_sboms WHERE NOT EXISTS (SELECT 1 FROM image_scans s WHERE s.digest = scan_sboms.digest)').run().changes;
      }
      const prune = this.database.stmt('DELETE FROM scan_sboms WHERE digest = ? AND NOT EXISTS (SELECT 1 FROM image_scans WHERE digest = ?)');
      return digests.reduce((n, d) => n + prune.run(d, d).changes, 0);
    });
  }

  async listRescanCandidates(
    repositoryId: number,
    options: { belowVersion: number; afterManifestId?: number; limit: number },
  ): Promise<RescanCandidate[]> {
    // Failed and unsupported images are left alone: a database update does not make their layers readable.
    // Images scanned while the database was empty (FINDINGS_UNAVAILABLE) are matched once it has advisories.
    const rows = this.database
      .stmt(
        `SELECT m.id AS manifest_id, m.digest, s.status, s.generation, s.vulndb_version, s.scan_type
         FROM manifests m LEFT JOIN image_scans s ON s.manifest_id = m.id
         WHERE m.repository_id = ? AND m.id > ? AND ${SCANNABLE}
           AND (s.manifest_id IS NULL OR (s.status IN ('COMPLETE', 'ACTIVE', 'FINDINGS_UNAVAILABLE') AND COALESCE(s.vulndb_version, -1) < ?))
         ORDER BY m.id LIMIT ?`,
      )
      .all(repositoryId, options.afterManifestId ?? 0, options.belowVersion, options.limit) as {
      manifest_id: number;
      digest: string;
      status: string | null;
      generation: number | null;
      vulndb_version: number | null;
      scan_type: string | null;
    }[];
    return rows.map((r) => ({
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
    }));
  }

  async getRematchedVersion(): Promise<number> {
    return (this.database.stmt('SELECT rematched_version FROM scan_state WHERE id = 1').get() as { rematched_version: number } | undefined)?.rematched_version ?? 0;
  }

  async setRematchedVersion(version: number): Promise<void> {
    this.database.write(() => this.database.stmt('UPDATE scan_state SET rematched_version = MAX(rematched_version, ?) WHERE id = 1').run(version));
  }

  private isCurrent(manifestId: number, generation: number): boolean {
    const row = this.database.stmt('SELECT generation FROM image_scans WHERE manifest_id = ?').get(manifestId) as { generation: number } | undefined;
    return row?.generation === generation;
  }

  /** Basic scans: the findings are exactly the new ones, all observed now. Returns whether anything changed. */
  private replaceFindings(manifestId: number, findings: readonly NewFinding[], at: number): boolean {
    const before = this.database.stmt('SELECT finding_key, finding FROM image_scan_findings WHERE manifest_id = ?').all(manifestId) as { finding_key: string; finding: string }[];
    this.database.stmt('DELETE FROM image_scan_findings WHERE manifest_id = ?').run(manifestId);
    const insert = this.insertStatement();
    findings.forEach((f, position) => insert.run(manifestId, f.key, f.groupKey, position, 'ACTIVE', f.severity, JSON.stringify(f.finding), at, at, at));
    const previous = new Map(before.map((r) => [r.finding_key, r.finding]));
    return before.length !== findings.length || findings.some((f) => previous.get(f.key) !== JSON.stringify(f.finding));
  }

  /**
   * Enhanced scans (Inspector's model): a finding seen again keeps its first-observed time and
   * changes its updated time only when its content or status changed; a finding no longer seen is
   * CLOSED and kept, listed after the active ones.
   */
  private trackFindings(manifestId: number, findings: readonly NewFinding[], at: number): boolean {
    const before = new Map(
      (this.database.stmt('SELECT * FROM image_scan_findings WHERE manifest_id = ?').all(manifestId) as FindingRow[]).map((r) => [r.finding_key, r]),
    );
    this.database.stmt('DELETE FROM image_scan_findings WHERE manifest_id = ?').run(manifestId);
    const insert = this.insertStatement();
    let changed = false;
    let position = 0;
    for (const f of findings) {
      const json = JSON.stringify(f.finding);
      const old = before.get(f.key);
      before.delete(f.key);
      const same = old !== undefined && old.status === 'ACTIVE' && old.finding === json && old.severity === f.severity;
      if (!same) changed = true;
      insert.run(manifestId, f.key, f.groupKey, position++, 'ACTIVE', f.severity, json, old?.first_observed_at ?? at, at, same ? old.updated_at : at);
    }
    const closed = [...before.values()].sort((a, b) => a.position - b.position);
    for (const old of closed) {
      const closing = old.status === 'ACTIVE';
      if (closing) changed = true;
      insert.run(manifestId, old.finding_key, old.group_key, position++, 'CLOSED', old.severity, old.finding, old.first_observed_at, old.last_observed_at, closing ? at : old.updated_at);
    }
    return changed;
  }

  private insertStatement() {
    return this.database.stmt(
      `INSERT INTO image_scan_findings (manifest_id, finding_key, group_key, position, status, severity, finding, first_observed_at, last_observed_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }
}
