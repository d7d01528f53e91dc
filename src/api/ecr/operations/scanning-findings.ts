/** StartImageScan, DescribeImageScanFindings, and the scan status DescribeImages joins. */
import { invalidParameter } from '../../../domain/errors.js';
import type { ImageScanRecord } from '../../../metadata/scan-store.js';
import type { ImageRef, ScanningService } from '../../../scanning/service/index.js';
import type { FindingSeverity, ImageIdentifier, ImageScanFindingsSummary, ImageScanStatus } from '../model/types.js';
import { defineOperation } from '../operation.js';
import { checkImageId, isFailure } from './image-ids.js';
import type { ImageScanSummaries } from './images.js';
import { basicFinding, enhancedFinding, groupFindings } from './scanning-wire.js';
import { repositoryKey } from './wire.js';

export const startImageScan = (scanning: ScanningService) =>
  defineOperation({
    name: 'StartImageScan',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      const { image, scan } = await scanning.startScan(key, imageRef(input.imageId));
      ctx.log.info({ account: key.accountId, repository: key.name, digest: image.digest }, 'image scan started');
      return { registryId: key.accountId, repositoryName: key.name, imageId: echoId(image.digest, input.imageId), imageScanStatus: scanStatus(scan) };
    },
  });

export const describeImageScanFindings = (scanning: ScanningService) =>
  defineOperation({
    name: 'DescribeImageScanFindings',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      const { image, scan, findings } = await scanning.findings(key, imageRef(input.imageId));
      const base = { registryId: key.accountId, repositoryName: key.name, imageId: echoId(image.digest, input.imageId), imageScanStatus: scanStatus(scan) };
      const summary = findingsSummary(scan);
      if (!summary) return base;
      const pad = (n: number) => String(n).padStart(10, '0');
      if (scan.scanType === 'ENHANCED') {
        const page = ctx.pages.paginate(groupFindings(findings), (group) => pad(group[0]!.position));
        const context = { accountId: key.accountId, region: ctx.region, repositoryName: key.name, image, scan };
        return { ...base, imageScanFindings: { ...summary, enhancedFindings: page.items.map((g) => enhancedFinding(g, context)) }, nextToken: page.nextToken };
      }
      // Basic findings are the image's current ones; closed findings exist only under enhanced scanning.
      const page = ctx.pages.paginate(findings.filter((f) => f.status === 'ACTIVE'), (f) => pad(f.position));
      return { ...base, imageScanFindings: { ...summary, findings: page.items.map(basicFinding) }, nextToken: page.nextToken };
    },
  });

/** DescribeImages' imageScanStatus and imageScanFindingsSummary for the images that have a scan. */
export function scanSummaries(scanning: ScanningService): ImageScanSummaries {
  return async (key, digests) => {
    const scans = await scanning.scansOf(key, digests);
    const out = new Map<string, { imageScanStatus?: ImageScanStatus; imageScanFindingsSummary?: ImageScanFindingsSummary }>();
    for (const [digest, scan] of scans) {
      const summary = findingsSummary(scan);
      out.set(digest, { imageScanStatus: scanStatus(scan), ...(summary && { imageScanFindingsSummary: summary }) });
    }
    return out;
  };
}

function scanStatus(scan: ImageScanRecord): ImageScanStatus {
  return { status: scan.status, ...(scan.description !== undefined && { description: scan.description }) };
}

/** The last evaluation's summary; none after a failure or before the first scan completes. */
function findingsSummary(scan: ImageScanRecord): ImageScanFindingsSummary | undefined {
  const counts = scan.scanType === 'ENHANCED' ? scan.enhancedSeverityCounts : scan.severityCounts;
  if (!counts || !scan.completedAt) return undefined;
  return {
    imageScanCompletedAt: scan.completedAt,
    ...(scan.vulnSourceUpdatedAt && { vulnerabilitySourceUpdatedAt: scan.vulnSourceUpdatedAt }),
    findingSeverityCounts: counts as Partial<Record<FindingSeverity, number>>,
  };
}

function imageRef(id: ImageIdentifier): ImageRef {
  const checked = checkImageId(id);
  if (isFailure(checked)) throw invalidParameter('imageId', checked.failureReason ?? 'invalid image id');
  return { ...(checked.digest !== undefined && { digest: checked.digest }), ...(checked.tag !== undefined && { tag: checked.tag }) };
}

function echoId(digest: string, requested: ImageIdentifier): ImageIdentifier {
  return { imageDigest: digest, ...(requested.imageTag !== undefined && { imageTag: requested.imageTag }) };
}
