import type { RepositoryRecord } from '../../metadata/registry-store.js';
import type { ScannedImageFacts } from '../../metadata/scan-store.js';
import type { MetadataStore } from '../../metadata/store.js';
import { isScanFailed } from '../errors.js';
import { scanLayers } from '../inventory/scan-layers.js';
import { inventoryFromCycloneDx, inventoryToCycloneDx } from '../sbom/cyclonedx.js';
import type { Inventory } from '../types.js';
import { effectiveScanning } from './configuration.js';
import type { ScanDeps } from './deps.js';
import { imageToScan } from './image-source.js';
import { evaluate, recordFailure } from './evaluate.js';
import { platformOf } from './findings.js';
import { SCANNER_VERSION, type ScanJobPayload } from './job-types.js';
import { scanFailedDescription } from './statuses.js';

/**
 * One image scan: read the layers once (or reuse the SBOM another repository's scan of the same
 * digest stored), store the SBOM, match it, and record the findings with the database version.
 * A layer that cannot be read is a FAILED scan with the reason; other errors (storage I/O) are
 * thrown so the job runner retries, and a scan whose job fails for good is marked FAILED by the
 * settle listener (see index.ts).
 */
export async function runScanJob(deps: ScanDeps, payload: ScanJobPayload, signal: AbortSignal): Promise<Record<string, unknown>> {
  const scan = await deps.store.scans.getScan(payload.manifestId);
  if (!scan || scan.generation !== payload.generation) return { skipped: 'a newer scan of the image was requested' };
  const repository = await deps.store.registry.getRepositoryById(payload.repositoryId);
  const manifest = repository && (await deps.store.registry.getManifest(repository.id, payload.digest));
  if (!repository || !manifest) return { skipped: 'the image was deleted' };

  let inventory: Inventory;
  let facts: ScannedImageFacts;
  try {
    ({ inventory, facts } = await inventoryOf(deps, repository, payload.digest, manifest, signal));
  } catch (err) {
    if (!isScanFailed(err)) throw err;
    deps.log.info({ repository: repository.name, digest: payload.digest, reason: err.reason }, 'image scan failed');
    await recordFailure(deps, { repository, scan, reason: payload.reason, status: 'FAILED', description: scanFailedDescription(err.message) });
    return { status: 'FAILED', reason: err.reason };
  }

  const registryConfig = await deps.store.scans.getRegistryConfig(repository.accountId);
  const effective = effectiveScanning(repository, registryConfig);
  const outcome = await evaluate(deps, { repository, scan, inventory, facts, reason: payload.reason, continuous: effective.scanFrequency === 'CONTINUOUS_SCAN' });
  return { ...outcome };
}

/** The image's inventory: from a stored SBOM of the same digest when the scanner version matches, else from its layers. */
async function inventoryOf(
  deps: ScanDeps,
  repository: RepositoryRecord,
  digest: string,
  manifest: NonNullable<Awaited<ReturnType<MetadataStore['registry']['getManifest']>>>,
  signal: AbortSignal,
): Promise<{ inventory: Inventory; facts: ScannedImageFacts }> {
  const image = await imageToScan(manifest, deps.blobs);
  const cached = await deps.store.scans.getSbom(digest);
  let inventory: Inventory;
  if (cached && cached.scannerVersion === SCANNER_VERSION) {
    inventory = inventoryFromCycloneDx(JSON.parse(cached.sbom));
  } else {
    const started = Date.now();
    inventory = await scanLayers(image.layers, { limits: deps.limits, log: deps.log, signal });
    inventory.warnings.push(...image.warnings);
    const sbom = inventoryToCycloneDx(inventory, { imageName: repository.name, imageDigest: digest, timestamp: deps.now() });
    await deps.store.scans.putSbom(digest, SCANNER_VERSION, JSON.stringify(sbom), deps.now());
    deps.log.info({ repository: repository.name, digest, packages: inventory.packages.length, ms: Date.now() - started }, 'image layers scanned');
  }
  const platform = platformOf(inventory.os);
  return { inventory, facts: { ...image.config, ...(platform && { platform }) } };
}
