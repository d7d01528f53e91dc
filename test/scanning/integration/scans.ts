/** Waiting for scans and reading all their findings through the ECR API, as a client would. */
import {
  DescribeImageScanFindingsCommand,
  type DescribeImageScanFindingsCommandOutput,
  type ECRClient,
  type EnhancedImageScanFinding,
  type ImageIdentifier,
  type ImageScanFinding,
  ScanNotFoundException,
  paginateDescribeImageScanFindings,
} from '@aws-sdk/client-ecr';
import { importAndAnnounce } from '../../../src/scanning/service/vulndb-import.js';
import type { ImportSummary } from '../../../src/scanning/vulndb/import.js';
import { fixturePath, silentLog } from '../helpers/vulndb.js';
import { type Berth, eventually } from './harness.js';

/** Waits until the image's scan has settled (any status but IN_PROGRESS) and returns the first page. */
export async function settledScan(ecr: ECRClient, repositoryName: string, imageId: ImageIdentifier, timeoutMs?: number): Promise<DescribeImageScanFindingsCommandOutput> {
  return eventually(
    async () => {
      try {
        const out = await ecr.send(new DescribeImageScanFindingsCommand({ repositoryName, imageId }));
        return out.imageScanStatus?.status === 'IN_PROGRESS' ? undefined : out;
      } catch (err) {
        if (err instanceof ScanNotFoundException) return undefined;
        throw err;
      }
    },
    `the scan of ${repositoryName}@${imageId.imageDigest ?? imageId.imageTag}`,
    timeoutMs,
  );
}

/** Every finding of the image's scan, page by page (basic and enhanced). */
export async function allFindings(
  ecr: ECRClient,
  repositoryName: string,
  imageId: ImageIdentifier,
  maxResults?: number,
): Promise<{ findings: ImageScanFinding[]; enhancedFindings: EnhancedImageScanFinding[]; pages: number }> {
  const findings: ImageScanFinding[] = [];
  const enhancedFindings: EnhancedImageScanFinding[] = [];
  let pages = 0;
  for await (const page of paginateDescribeImageScanFindings({ client: ecr, ...(maxResults && { pageSize: maxResults }) }, { repositoryName, imageId })) {
    pages++;
    findings.push(...(page.imageScanFindings?.findings ?? []));
    enhancedFindings.push(...(page.imageScanFindings?.enhancedFindings ?? []));
  }
  return { findings, enhancedFindings, pages };
}

export const attribute = (f: ImageScanFinding, key: string): string | undefined => f.attributes?.find((a) => a.key === key)?.value;

/** Imports a fixture (or any path) the way `berth vulndb import` does: the outbox hears of changes. */
export async function importDb(berth: Berth, path: string, source?: string): Promise<ImportSummary> {
  const absolute = path.startsWith('/') ? path : fixturePath(path);
  return importAndAnnounce({ vulnDb: berth.app.store.vulnDb, events: berth.app.store.events }, absolute, silentLog, source ? { source } : {});
}
