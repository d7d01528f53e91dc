import { z } from 'zod';
import { aboutRepository, accountEvent, digest, registryWideEvent, tags } from './envelope.js';

/** Outbox events of vulnerability scanning. */
export const ScanningEvent = {
  /** A scan or re-evaluation finished (any status): ECR's "ECR Image Scan" EventBridge event. */
  ImageScanned: 'image.scan.completed',
  /** `berth vulndb import` or `update` changed the vulnerability database (continuous scanning re-evaluates). */
  VulnDbUpdated: 'vulndb.updated',
} as const;

export const scanReason = z.enum(['push', 'manual', 'continuous']);

/** What started a scan: a push, StartImageScan, or a database update under continuous scanning. */
export type ScanReason = z.infer<typeof scanReason>;

export const scanningEvents = {
  /**
   * `detail` has the shape of EventBridge's "ECR Image Scan" event (ECR user guide, "Amazon ECR
   * events and EventBridge"): scan-status, repository-name, finding-severity-counts (only
   * severities that occur), image-digest, image-tags.
   */
  [ScanningEvent.ImageScanned]: accountEvent({
    ...aboutRepository,
    digest,
    scanType: z.enum(['BASIC', 'ENHANCED']),
    reason: scanReason,
    source: z.literal('aws.ecr'),
    detailType: z.literal('ECR Image Scan'),
    detail: z.object({
      // FINDINGS_UNAVAILABLE: scanned while the vulnerability database was empty (nothing checked).
      'scan-status': z.enum(['IN_PROGRESS', 'COMPLETE', 'FAILED', 'UNSUPPORTED_IMAGE', 'ACTIVE', 'FINDINGS_UNAVAILABLE']),
      'repository-name': z.string(),
      'finding-severity-counts': z.record(z.number()),
      'image-digest': digest,
      'image-tags': tags,
    }),
  }),
  [ScanningEvent.VulnDbUpdated]: registryWideEvent({ version: z.number(), source: z.string(), actor: z.string() }),
};
