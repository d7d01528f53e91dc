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
import type { PostgresDatabase, Sql } from './database.js';
import { insertEvents } from './event-store.js';
import { type Column, insertMany } from './insert-many.js';
import { insertJob } from './job-store.js';

// A finding's key is stored as its UTF-8 bytes (scan-migrations.ts); the other columns as FindingRow has them.
const FINDING_TYPES: Record<string, string> = { finding_key: 'bytea', position: 'int', first_observed_at: 'bigint', last_observed_at: 'bigint', updated_at: 'bigint' };
const findingColumns = (manifestId: number): Column<FindingRow>[] => [
  { name: 'manifest_id', type: 'bigint', value: () => manifestId },
  ...FINDING_COLUMNS.split(', ').map((name) => ({
    name,
    type: FINDING_TYPES[name] ?? 'text',
    value: (row: FindingRow) => (name === 'finding_key' ? Buffer.from(row.finding_key) : row[name as keyof FindingRow]),
  })),
];

/** An image's findings as stored, in listing order, their keys back as text. */
async function selectFindings(sql: Sql, manifestId: number): Promise<FindingRow[]> {
  const rows = await sql.rows<FindingRow & { finding_key: Buffer }>(`SELECT ${FINDING_COLUMNS} FROM image_scan_findings WHERE manifest_id = $1 ORDER BY position`, [manifestId]);
  return rows.map((row) => ({ ...row, finding_key: row.finding_key.toString() }));
}

/**
 * Registry scanning configurations, image scans with their findings, and SBOMs on PostgreSQL.
 * An image's scan row is the lock its scan requests, results and failures take in turn: a
 * request reads the generation and the quota's clock under it, a result checks its generation
 * under it, so a result for a superseded request writes nothing, whichever node it runs on.
 */
export class PostgresScanStore implements ScanStore {
  constructor(private readonly database: PostgresDatabase) {}

  async getRegistryConfig(accountId: string): Promise<RegistryScanningConfigRecord | undefined> {
    const row = await this.database.row<ConfigRow>('SELECT * FROM scan_registry_configs WHERE account_id = $1', [accountId]);
    return row && toConfig(row);
  }

  async putRegistryConfig(record: RegistryScanningConfigRecord): Promise<void> {
    await this.database.run(
      `INSERT INTO scan_registry_configs (account_id, scan_type, rules, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id) DO UPDATE SET scan_type = excluded.scan_type, rules = excluded.rules, updated_at = excluded.updated_at`,
      [record.accountId, record.scanType, JSON.stringify(record.rules), record.updatedAt.getTime()],
    );
  }

  async listRegistryConfigs(): Promise<RegistryScanningConfigRecord[]> {
    return (await this.database.rows<ConfigRow>('SELECT * FROM scan_registry_configs ORDER BY account_id')).map(toConfig);
  }

  async getScan(manifestId: number): Promise<ImageScanRecord | undefined> {
    const row = await this.database.row<ScanRow>('SELECT * FROM image_scans WHERE manifest_id = $1', [manifestId]);
    return row && toScan(row);
  }

  async getScans(manifestIds: readonly number[]): Promise<Map<number, ImageScanRecord>> {
    if (manifestIds.length === 0) return new Map();
    const rows = await this.database.rows<ScanRow>('SELECT * FROM image_scans WHERE manifest_id = ANY($1::bigint[])', [[...new Set(manifestIds)]]);
    return new Map(rows.map((row) => [row.manifest_id, toScan(row)]));
  }

  async requestScan(request: ScanRequest): Promise<ScanRequestOutcome> {
    return this.database.transaction(async (tx): Promise<ScanRequestOutcome> => {
      for (;;) {
        const row = await tx.row<ScanRow>('SELECT * FROM image_scans WHERE manifest_id = $1 FOR UPDATE', [request.manifestId]);
        let generation: number;
        if (row) {
          const existing = toScan(row);
          if (request.onlyIfNeverScanned) return { started: false, existing };
          const since = request.quotaSince?.getTime();
          if (since !== undefined && (existing.status === 'IN_PROGRESS' || row.requested_at >= since)) return { started: false, existing };
          generation = row.generation + 1;
          await tx.run(
            `UPDATE image_scans SET scan_type = $1, status = 'IN_PROGRESS', description = NULL, generation = $2, requested_at = $3
             WHERE manifest_id = $4`,
            [request.scanType, generation, request.now.getTime(), request.manifestId],
          );
        } else {
          // A racing first request makes this wait for it and insert nothing; the next round sees its row.
          generation = 1;
          const inserted = await tx.run(
            `INSERT INTO image_scans (manifest_id, repository_id, digest, scan_type, status, generation, requested_at)
             VALUES ($1, $2, $3, $4, 'IN_PROGRESS', $5, $6) ON CONFLICT (manifest_id) DO NOTHING`,
            [request.manifestId, request.repositoryId, request.digest, request.scanType, generation, request.now.getTime()],
          );
          if (inserted === 0) continue;
        }
        const job = request.job(generation);
        await insertJob(tx, job, job.runAt);
        return { started: true, generation };
      }
    });
  }

  async completeScan(result: ScanResult): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      if (!(await lockCurrent(tx, result.manifestId, result.generation))) return false;
      const changed = await updateFindings(tx, result.manifestId, result.findings, result.completedAt.getTime(), result.mode);
      await tx.run(`UPDATE image_scans SET ${completedScanAssignments((i) => `$${i + 2}`)} WHERE manifest_id = $1`, [result.manifestId, ...completedScanValues(result)]);
      await insertEvents(tx, result.events(changed));
      return true;
    });
  }

  async failScan(failure: ScanFailure): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      if (!(await lockCurrent(tx, failure.manifestId, failure.generation))) return false;
      await tx.run('DELETE FROM image_scan_findings WHERE manifest_id = $1', [failure.manifestId]);
      await tx.run(
        `UPDATE image_scans SET status = $1, description = $2, completed_at = $3, vulndb_version = NULL, vuln_source_updated_at = NULL,
           severity_counts = NULL, enhanced_severity_counts = NULL, image_facts = COALESCE($4, image_facts)
         WHERE manifest_id = $5`,
        [failure.status, failure.description, failure.completedAt.getTime(), failure.image ? JSON.stringify(failure.image) : null, failure.manifestId],
      );
      await insertEvents(tx, failure.events);
      return true;
    });
  }

  async listFindings(manifestId: number): Promise<StoredFinding[]> {
    return (await selectFindings(this.database, manifestId)).map(toFinding);
  }

  async getSbom(digest: string): Promise<{ scannerVersion: number; sbom: string } | undefined> {
    const row = await this.database.row<{ scanner_version: number; sbom: string }>('SELECT scanner_version, sbom FROM scan_sboms WHERE digest = $1', [digest]);
    return row && { scannerVersion: row.scanner_version, sbom: row.sbom };
  }

  async putSbom(digest: string, scannerVersion: number, sbom: string, now: Date): Promise<void> {
    await this.database.run(
      `INSERT INTO scan_sboms (digest, scanner_version, sbom, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (digest) DO UPDATE SET scanner_version = excluded.scanner_version, sbom = excluded.sbom, created_at = excluded.created_at`,
      [digest, scannerVersion, sbom, now.getTime()],
    );
  }

  async pruneSboms(digests?: readonly string[]): Promise<number> {
    return this.database.run(
      `DELETE FROM scan_sboms b WHERE ($1::text[] IS NULL OR b.digest = ANY($1::text[]))
         AND NOT EXISTS (SELECT 1 FROM image_scans s WHERE s.digest = b.digest)`,
      [digests === undefined ? null : [...digests]],
    );
  }

  async listRescanCandidates(
    repositoryId: number,
    options: { belowVersion: number; afterManifestId?: number; limit: number },
  ): Promise<RescanCandidate[]> {
    const rows = await this.database.rows<CandidateRow>(rescanCandidatesQuery(['$1', '$2', '$3', '$4']), [
      repositoryId,
      options.afterManifestId ?? 0,
      options.belowVersion,
      options.limit,
    ]);
    return rows.map(toCandidate);
  }

  async getRematchedVersion(): Promise<number> {
    return (await this.database.row<{ rematched_version: number }>('SELECT rematched_version FROM scan_state WHERE id = 1'))?.rematched_version ?? 0;
  }

  async setRematchedVersion(version: number): Promise<void> {
    // One statement: the row lock makes racing setters apply in turn, and the highest stays.
    await this.database.run('UPDATE scan_state SET rematched_version = GREATEST(rematched_version, $1) WHERE id = 1', [version]);
  }
}

/** Locks the image's scan row; true when its generation is still `generation`. */
async function lockCurrent(tx: Sql, manifestId: number, generation: number): Promise<boolean> {
  const row = await tx.row<{ generation: number }>('SELECT generation FROM image_scans WHERE manifest_id = $1 FOR UPDATE', [manifestId]);
  return row?.generation === generation;
}

/** Replaces the image's findings with what the evaluation makes of them; returns whether anything changed. */
async function updateFindings(tx: Sql, manifestId: number, findings: readonly NewFinding[], at: number, mode: 'replace' | 'track'): Promise<boolean> {
  const before = await selectFindings(tx, manifestId);
  const update = mode === 'replace' ? replacedFindings(before, findings, at) : trackedFindings(before, findings, at);
  await tx.run('DELETE FROM image_scan_findings WHERE manifest_id = $1', [manifestId]);
  await insertMany(tx, 'image_scan_findings', findingColumns(manifestId), update.rows);
  return update.changed;
}
