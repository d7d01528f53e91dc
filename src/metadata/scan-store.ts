import type { OutboxEvent } from './event-store.js';
import type { NewJob } from './job-store.js';

/**
 * What the scanning module keeps besides the vulnerability database (which has its own store,
 * src/scanning/vulndb): each account's registry scanning configuration, one scan record per image
 * (manifest) with its findings, and the SBOMs scans produce, shared by image digest.
 *
 * Scans and findings hang off manifests with ON DELETE CASCADE, so deleting an image or a
 * repository needs no scanning code; an SBOM is kept while some scan record names its digest.
 * Findings are stored as opaque JSON (the scanning core's Finding): this layer never reads them.
 */

export type ScanType = 'BASIC' | 'ENHANCED';
export type ScanFrequency = 'SCAN_ON_PUSH' | 'CONTINUOUS_SCAN' | 'MANUAL';

export interface ScanningRepositoryFilter {
  filter: string;
  filterType: 'WILDCARD';
}

export interface RegistryScanningRule {
  scanFrequency: ScanFrequency;
  repositoryFilters: ScanningRepositoryFilter[];
}

export interface RegistryScanningConfigRecord {
  accountId: string;
  scanType: ScanType;
  rules: RegistryScanningRule[];
  updatedAt: Date;
}

/** ECR's ScanStatus values Berth records. */
export type ScanStatus = 'IN_PROGRESS' | 'COMPLETE' | 'FAILED' | 'UNSUPPORTED_IMAGE' | 'ACTIVE' | 'FINDINGS_UNAVAILABLE';

export type SeverityCounts = Readonly<Record<string, number>>;

/** Facts about the image that findings repeat (ECR's AwsEcrContainerImageDetails). */
export interface ScannedImageFacts {
  architecture?: string;
  os?: string;
  /** Inspector-style platform, e.g. DEBIAN_12, ALPINE_LINUX_3_7. */
  platform?: string;
}

export interface ImageScanRecord {
  manifestId: number;
  repositoryId: number;
  digest: string;
  scanType: ScanType;
  status: ScanStatus;
  description?: string;
  /** Bumped by every scan request; a job carries the generation it was queued for. */
  generation: number;
  /** When the last scan was requested (push or StartImageScan): the 24-hour quota's clock. */
  requestedAt: Date;
  /** The last time findings were written (a scan, or a re-match after a database update). */
  completedAt?: Date;
  vulnDbVersion?: number;
  /** When the vulnerability database had last changed, as of the scan. */
  vulnSourceUpdatedAt?: Date;
  /** ACTIVE findings per severity: one per package and vulnerability (basic's counting). */
  severityCounts?: SeverityCounts;
  /** ACTIVE findings per severity, one per vulnerability (enhanced's counting). */
  enhancedSeverityCounts?: SeverityCounts;
  image?: ScannedImageFacts;
}

export type FindingStatus = 'ACTIVE' | 'CLOSED';

export interface StoredFinding {
  /** Identifies the finding across re-evaluations (package, version, location, vulnerability). */
  key: string;
  /** Findings of one vulnerability share it (an enhanced finding lists all their packages). */
  groupKey: string;
  position: number;
  status: FindingStatus;
  severity: string;
  finding: Readonly<Record<string, unknown>>;
  firstObservedAt: Date;
  lastObservedAt: Date;
  updatedAt: Date;
}

export interface NewFinding {
  key: string;
  groupKey: string;
  severity: string;
  finding: Readonly<Record<string, unknown>>;
}

export interface ScanRequest {
  manifestId: number;
  repositoryId: number;
  digest: string;
  scanType: ScanType;
  now: Date;
  /** Scan-on-push: do nothing when the image already has a scan record (a re-push or a new tag). */
  onlyIfNeverScanned?: boolean;
  /** StartImageScan: refuse while a scan runs or when one was requested at or after this time. */
  quotaSince?: Date;
  /** The job that does the scan, queued in the same transaction (so no request is left without one). */
  job: (generation: number) => NewJob;
}

export type ScanRequestOutcome = { started: true; generation: number } | { started: false; existing: ImageScanRecord };

export interface ScanResult {
  manifestId: number;
  /** The generation the work was for; a newer request makes the result moot (nothing is written). */
  generation: number;
  /** The type the findings were produced as (a re-evaluation under continuous scanning is ENHANCED). */
  scanType: ScanType;
  status: ScanStatus;
  description: string;
  completedAt: Date;
  vulnDbVersion: number;
  vulnSourceUpdatedAt?: Date;
  image?: ScannedImageFacts;
  findings: readonly NewFinding[];
  /** ACTIVE findings per severity, per finding and per vulnerability (see ImageScanRecord). */
  severityCounts: SeverityCounts;
  enhancedSeverityCounts: SeverityCounts;
  /**
   * replace: findings are exactly `findings` (basic scans). track: findings no longer present are
   * kept as CLOSED, present ones keep their first-observed time (enhanced, as Inspector does).
   */
  mode: 'replace' | 'track';
  /** Outbox events, given what changed; written in the same transaction. */
  events: (changed: boolean) => OutboxEvent[];
}

export interface ScanFailure {
  manifestId: number;
  generation: number;
  status: 'FAILED' | 'UNSUPPORTED_IMAGE' | 'FINDINGS_UNAVAILABLE';
  description: string;
  completedAt: Date;
  image?: ScannedImageFacts;
  events: OutboxEvent[];
}

/** An image a continuous re-evaluation considers. */
export interface RescanCandidate {
  manifestId: number;
  digest: string;
  scan?: Pick<ImageScanRecord, 'status' | 'generation' | 'vulnDbVersion' | 'scanType'>;
}

export interface ScanStore {
  getRegistryConfig(accountId: string): Promise<RegistryScanningConfigRecord | undefined>;
  putRegistryConfig(record: RegistryScanningConfigRecord): Promise<void>;
  listRegistryConfigs(): Promise<RegistryScanningConfigRecord[]>;

  getScan(manifestId: number): Promise<ImageScanRecord | undefined>;
  /** Scan records of these manifests, keyed by manifest id. */
  getScans(manifestIds: readonly number[]): Promise<Map<number, ImageScanRecord>>;
  /** Marks a scan IN_PROGRESS (creating the record), unless the request's conditions say no. */
  requestScan(request: ScanRequest): Promise<ScanRequestOutcome>;
  /** Writes a finished scan or re-evaluation; false when the generation is no longer current. */
  completeScan(result: ScanResult): Promise<boolean>;
  /** Records a failed scan (its findings are cleared); false when the generation is no longer current. */
  failScan(failure: ScanFailure): Promise<boolean>;
  /** Findings of an image's scan in listing order (ACTIVE ones first). */
  listFindings(manifestId: number): Promise<StoredFinding[]>;

  getSbom(digest: string): Promise<{ scannerVersion: number; sbom: string } | undefined>;
  putSbom(digest: string, scannerVersion: number, sbom: string, now: Date): Promise<void>;
  /** Deletes SBOMs (of these digests, or all) that no scan record names any more; returns how many. */
  pruneSboms(digests?: readonly string[]): Promise<number>;

  /**
   * Scannable images (image manifests with an image config) of a repository in manifest-id order
   * after `afterManifestId`, that have no scan or were last evaluated below `belowVersion`
   * (status COMPLETE, ACTIVE, or FINDINGS_UNAVAILABLE: scanned while the database was empty).
   */
  listRescanCandidates(repositoryId: number, options: { belowVersion: number; afterManifestId?: number; limit: number }): Promise<RescanCandidate[]>;
  /** The vulnerability-database version continuous re-evaluation last brought every image to. */
  getRematchedVersion(): Promise<number>;
  setRematchedVersion(version: number): Promise<void>;
}
