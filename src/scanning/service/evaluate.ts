import type { RepositoryRecord } from '../../metadata/registry-store.js';
import type { ImageScanRecord, NewFinding, ScannedImageFacts, ScanStatus, SeverityCounts } from '../../metadata/scan-store.js';
import { matchInventory } from '../match/matcher.js';
import type { Inventory } from '../types.js';
import { imageScanEvent, type ScanReason } from './events.js';
import { isSupported, toNewFindings } from './findings.js';
import type { ScanDeps } from './deps.js';
import { CONTINUOUS_ACTIVE, SCAN_COMPLETE, unsupportedStatus } from './statuses.js';

type ScanRef = Pick<ImageScanRecord, 'manifestId' | 'generation' | 'scanType' | 'digest'>;

export interface EvaluationOutcome {
  status: ScanStatus;
  findings: number;
  /** False when a newer scan request superseded this evaluation (nothing was written). */
  written: boolean;
  changed: boolean;
}

/**
 * Matches an inventory against the vulnerability database and records the result for one image.
 * The recorded database version is read before matching, so an import that lands meanwhile is
 * picked up by the next continuous re-evaluation rather than missed. Under continuous scanning the
 * findings are enhanced ones (tracked across evaluations, status ACTIVE); otherwise the scan type
 * decides. A re-match that changed nothing writes no event; every scan does.
 */
export async function evaluate(
  deps: ScanDeps,
  input: {
    repository: RepositoryRecord;
    scan: ScanRef;
    inventory: Inventory;
    facts?: ScannedImageFacts;
    reason: ScanReason;
    continuous: boolean;
    /** A re-evaluation from the stored SBOM: it announces itself only when the findings changed. */
    rematch?: boolean;
  },
): Promise<EvaluationOutcome> {
  const { repository, scan, inventory } = input;
  if (!isSupported(inventory)) {
    const unsupported = unsupportedStatus(input.continuous ? 'ENHANCED' : scan.scanType);
    const written = await recordFailure(deps, { repository, scan, reason: input.reason, ...unsupported, ...(input.facts && { facts: input.facts }) });
    return { status: unsupported.status, findings: 0, written, changed: written };
  }
  const database = await deps.store.vulnDb.status();
  const findings = toNewFindings(await matchInventory(inventory, deps.store.vulnDb, { log: deps.log }));
  const scanType = input.continuous ? 'ENHANCED' : scan.scanType;
  const status: ScanStatus = input.continuous ? 'ACTIVE' : 'COMPLETE';
  const counts = countSeverities(findings);
  const at = deps.now();
  const tags = await deps.store.registry.tagsOf(repository.id, scan.digest);
  let changed = false;
  const written = await deps.store.scans.completeScan({
    manifestId: scan.manifestId,
    generation: scan.generation,
    scanType,
    status,
    description: input.continuous ? CONTINUOUS_ACTIVE : SCAN_COMPLETE,
    completedAt: at,
    vulnDbVersion: database.version,
    ...(database.updatedAt && { vulnSourceUpdatedAt: new Date(database.updatedAt) }),
    ...(input.facts && { image: input.facts }),
    findings,
    severityCounts: counts.perFinding,
    enhancedSeverityCounts: counts.perGroup,
    mode: scanType === 'ENHANCED' ? 'track' : 'replace',
    events: (didChange) => {
      changed = didChange;
      if (input.rematch && !didChange) return [];
      return [
        imageScanEvent({
          accountId: repository.accountId,
          repositoryName: repository.name,
          digest: scan.digest,
          tags,
          status,
          scanType,
          counts: scanType === 'ENHANCED' ? counts.perGroup : counts.perFinding,
          reason: input.reason,
          at,
        }),
      ];
    },
  });
  if (written) deps.log.info({ repository: repository.name, digest: scan.digest, findings: findings.length, version: database.version, reason: input.reason }, 'image scan recorded');
  return { status, findings: findings.length, written, changed };
}

/** Records a scan that produced no findings: FAILED (with why) or UNSUPPORTED_IMAGE, with its event. */
export async function recordFailure(
  deps: ScanDeps,
  input: {
    repository: RepositoryRecord;
    scan: ScanRef;
    reason: ScanReason;
    status: 'FAILED' | 'UNSUPPORTED_IMAGE';
    description: string;
    facts?: ScannedImageFacts;
  },
): Promise<boolean> {
  const at = deps.now();
  const tags = await deps.store.registry.tagsOf(input.repository.id, input.scan.digest);
  return deps.store.scans.failScan({
    manifestId: input.scan.manifestId,
    generation: input.scan.generation,
    status: input.status,
    description: input.description,
    completedAt: at,
    ...(input.facts && { image: input.facts }),
    events: [
      imageScanEvent({
        accountId: input.repository.accountId,
        repositoryName: input.repository.name,
        digest: input.scan.digest,
        tags,
        status: input.status,
        scanType: input.scan.scanType,
        counts: {},
        reason: input.reason,
        at,
      }),
    ],
  });
}

const RANK: Record<string, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, INFORMATIONAL: 4, UNDEFINED: 5 };
const rank = (severity: string): number => RANK[severity] ?? 6;

/**
 * Severity counts two ways: per finding (basic: one per package and vulnerability) and per
 * vulnerability (enhanced: one finding lists every affected package; it counts at its highest severity).
 */
function countSeverities(findings: readonly NewFinding[]): { perFinding: SeverityCounts; perGroup: SeverityCounts } {
  const perFinding: Record<string, number> = {};
  const groups = new Map<string, string>();
  for (const f of findings) {
    perFinding[f.severity] = (perFinding[f.severity] ?? 0) + 1;
    const held = groups.get(f.groupKey);
    if (held === undefined || rank(f.severity) < rank(held)) groups.set(f.groupKey, f.severity);
  }
  const perGroup: Record<string, number> = {};
  for (const severity of groups.values()) perGroup[severity] = (perGroup[severity] ?? 0) + 1;
  return { perFinding, perGroup };
}
