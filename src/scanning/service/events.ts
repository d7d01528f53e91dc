import { type EventOf, outboxEvent } from '../../domain/events/index.js';
import { type ScanReason, ScanningEvent } from '../../domain/events/scanning.js';
import type { ScanStatus, ScanType, SeverityCounts } from '../../metadata/scan-store.js';

/** Builders of the scanning module's outbox events (declared in src/domain/events/scanning.ts). */
export type { ScanReason };

/** The system actor scans act as (audit records name it). */
const SCANNING_ACTOR = 'berth:scanning';

export interface ImageScanEventInput {
  accountId: string;
  repositoryName: string;
  digest: string;
  tags: readonly string[];
  status: ScanStatus;
  scanType: ScanType;
  counts: SeverityCounts;
  /** What started it: a push, StartImageScan, or a database update under continuous scanning. */
  reason: ScanReason;
  at: Date;
}

/**
 * The event's `detail` has the shape of EventBridge's "ECR Image Scan" event (ECR user guide,
 * "Amazon ECR events and EventBridge"): scan-status, repository-name, finding-severity-counts
 * (only severities that occur), image-digest, image-tags.
 */
export function imageScanEvent(input: ImageScanEventInput): EventOf<typeof ScanningEvent.ImageScanned> {
  return outboxEvent(ScanningEvent.ImageScanned, {
    accountId: input.accountId,
    occurredAt: input.at,
    payload: {
      repositoryName: input.repositoryName,
      actor: SCANNING_ACTOR,
      digest: input.digest,
      scanType: input.scanType,
      reason: input.reason,
      source: 'aws.ecr',
      detailType: 'ECR Image Scan',
      detail: {
        'scan-status': input.status,
        'repository-name': input.repositoryName,
        'finding-severity-counts': Object.fromEntries(Object.entries(input.counts).filter(([, n]) => n > 0)),
        'image-digest': input.digest,
        'image-tags': [...input.tags],
      },
    },
  });
}

export function vulnDbUpdatedEvent(input: { version: number; source: string; actor: string; at: Date }): EventOf<typeof ScanningEvent.VulnDbUpdated> {
  return outboxEvent(ScanningEvent.VulnDbUpdated, { occurredAt: input.at, payload: { version: input.version, source: input.source, actor: input.actor } });
}
