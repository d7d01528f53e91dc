import {
  type CandidateRow,
  type ConfigRow,
  FINDING_COLUMNS,
  type FindingRow,
  completedScanAssignments,
  completedScanValues,
  rescanCandidatesQuery,
  type ScanRow,
  replacedFindings,
  toCandidate,
  toConfig,
  toFinding,
  toScan,
  trackedFindings,
} from '../scan-rows.js';
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
      const changed = this.updateFindings(result.manifestId, result.findings, result.completedAt.getTime(), result.mode);
      this.database
        .stmt(`UPDATE image_scans SET ${completedScanAssignments(() => '?')} WHERE manifest_id = ?`)
        .run(...completedScanValues(result), result.manifestId);
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
    const rows = this.database
      .stmt(rescanCandidatesQuery(['?', '?', '?', '?']))
      .all(repositoryId, options.afterManifestId ?? 0, options.belowVersion, options.limit) as CandidateRow[];
    return rows.map(toCandidate);
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

  /** Replaces the image's findings with what the evaluation makes of them; returns whether anything changed. */
  private updateFindings(manifestId: number, findings: readonly NewFinding[], at: number, mode: 'replace' | 'track'): boolean {
    const before = this.database.stmt(`SELECT ${FINDING_COLUMNS} FROM image_scan_findings WHERE manifest_id = ?`).all(manifestId) as FindingRow[];
    const update = mode === 'replace' ? replacedFindings(before, findings, at) : trackedFindings(before, findings, at);
    this.database.stmt('DELETE FROM image_scan_findings WHERE manifest_id = ?').run(manifestId);
    const insert = this.database.stmt(`INSERT INTO image_scan_findings (manifest_id, ${FINDING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const r of update.rows) {
      insert.run(manifestId, r.finding_key, r.group_key, r.position, r.status, r.severity, r.finding, r.first_observed_at, r.last_observed_at, r.updated_at);
    }
    return update.changed;
  }
}
