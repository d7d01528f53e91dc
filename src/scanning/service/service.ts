import { DomainError, describeImageRef, imageNotFound } from '../../domain/errors.js';
import type { RepositoryKey } from '../../domain/reference.js';
import type { ImageRecord } from '../../metadata/image-store.js';
import type { RepositoryRecord } from '../../metadata/registry-store.js';
import type { ImageScanRecord, ScanRequest, ScanType, StoredFinding } from '../../metadata/scan-store.js';
import type { Registry } from '../../registry/index.js';
import { checkRegistryScanning, DEFAULT_REGISTRY_SCANNING, effectiveScanning, hasContinuousRules, type EffectiveScanning, type RegistryScanningConfiguration } from './configuration.js';
import type { ScanDeps } from './deps.js';
import { scanJob } from './job-types.js';
import { unscannableMediaType, unsupportedImageType } from './scannable.js';
import { usedNoQuota } from './statuses.js';

/** An image as the scanning API names it: by digest, by tag, or both (which must agree). */
export interface ImageRef {
  digest?: string;
  tag?: string;
}

export interface ScanningServiceDeps extends ScanDeps {
  registry: Registry;
  /** ECR's one-scan-per-image-per-24-hours quota, in milliseconds (0 turns it off). */
  scanQuotaMs: number;
  /** Wakes the job runner after a scan was queued. */
  poke: () => void;
  /** Queues a continuous re-evaluation sweep (forced: also re-match images already current). */
  triggerRescan: (force: boolean) => Promise<void>;
}

/**
 * The scanning operations behind the ECR API: registry and repository scanning configuration,
 * StartImageScan, findings, and the scan status DescribeImages shows. Scans themselves run as
 * durable jobs (scan-job.ts); this service records requests and queues them.
 */
export class ScanningService {
  constructor(private readonly deps: ScanningServiceDeps) {}

  async registryConfiguration(accountId: string): Promise<RegistryScanningConfiguration> {
    const stored = await this.deps.store.scans.getRegistryConfig(accountId);
    return stored ? { scanType: stored.scanType, rules: stored.rules } : { ...DEFAULT_REGISTRY_SCANNING, rules: [] };
  }

  async putRegistryConfiguration(accountId: string, config: RegistryScanningConfiguration): Promise<RegistryScanningConfiguration> {
    checkRegistryScanning(config);
    await this.deps.store.scans.putRegistryConfig({ accountId, scanType: config.scanType, rules: config.rules, updatedAt: this.deps.now() });
    // Repositories that just became continuously scanned get their images scanned (or re-matched as enhanced findings).
    if (hasContinuousRules(config)) await this.deps.triggerRescan(true);
    return config;
  }

  /** Each named repository's effective scanning, and the names that do not exist. */
  async repositoryConfigurations(accountId: string, names: readonly string[]): Promise<{ found: { repository: RepositoryRecord; scanning: EffectiveScanning }[]; missing: string[] }> {
    const registryConfig = await this.deps.store.scans.getRegistryConfig(accountId);
    const found: { repository: RepositoryRecord; scanning: EffectiveScanning }[] = [];
    const missing: string[] = [];
    for (const name of new Set(names)) {
      const repository = await this.deps.registry.repositories.find({ accountId, name });
      if (repository) found.push({ repository, scanning: effectiveScanning(repository, registryConfig) });
      else missing.push(name);
    }
    return { found, missing };
  }

  /** PutImageScanningConfiguration: the repository's own (deprecated) scan-on-push flag. */
  async putRepositoryScanOnPush(key: RepositoryKey, scanOnPush: boolean): Promise<RepositoryRecord> {
    return this.deps.registry.repositories.update(key, { scanOnPush });
  }

  /**
   * StartImageScan. ECR's rules: images only (an index or artifact is UnsupportedImageType), not
   * with enhanced scanning, not an archived image, and one scan per image per 24 hours counting
   * the scan on push (LimitExceeded, in ECR's words).
   */
  async startScan(key: RepositoryKey, ref: ImageRef): Promise<{ image: ImageRecord; scan: ImageScanRecord }> {
    const image = await this.resolve(key, ref);
    const mediaType = unscannableMediaType(image);
    if (mediaType) throw unsupportedImageType(mediaType);
    const registryConfig = await this.deps.store.scans.getRegistryConfig(key.accountId);
    // Enhanced scanning scans by itself; ECR refuses manual scans then (observed: "This feature is disabled").
    if (registryConfig?.scanType === 'ENHANCED') throw new DomainError('Validation', 'This feature is disabled');
    if (image.status !== 'ACTIVE') {
      throw new DomainError('ImageArchived', `The image with digest '${image.digest}' in the repository with name '${key.name}' is archived and cannot be scanned`);
    }
    const now = this.deps.now();
    const request: ScanRequest = {
      manifestId: image.id,
      repositoryId: image.repositoryId,
      digest: image.digest,
      scanType: 'BASIC',
      now,
      ...(this.deps.scanQuotaMs > 0 && { quotaSince: new Date(now.getTime() - this.deps.scanQuotaMs) }),
      job: scanJob({ manifestId: image.id, repositoryId: image.repositoryId, digest: image.digest, reason: 'manual' }, now),
    };
    let requested = await this.deps.store.scans.requestScan(request);
    if (!requested.started && usedNoQuota(requested.existing)) {
      requested = await this.deps.store.scans.requestScan({ ...request, quotaSince: undefined });
    }
    if (!requested.started) throw new DomainError('LimitExceeded', 'The scan quota per image has been exceeded. Wait and try again.');
    this.deps.poke();
    const scan = await this.deps.store.scans.getScan(image.id);
    return { image, scan: scan! };
  }

  /**
   * An image's scan record and findings; ScanNotFound when it was never scanned, or when its scan
   * was made under the other scan type (see `currentScanType`).
   */
  async findings(key: RepositoryKey, ref: ImageRef): Promise<{ image: ImageRecord; scan: ImageScanRecord; findings: StoredFinding[] }> {
    const image = await this.resolve(key, ref);
    const stored = await this.deps.store.scans.getScan(image.id);
    const scan = stored && stored.scanType === (await this.currentScanType(key.accountId)) ? stored : undefined;
    if (!scan) {
      throw new DomainError(
        'ScanNotFound',
        `Image scan does not exist for the image with '${describeImageRef(ref)}' in the repository with name '${key.name}' in the registry with id '${key.accountId}'`,
      );
    }
    return { image, scan, findings: await this.deps.store.scans.listFindings(image.id) };
  }

  /** Scan records of the repository's images with these digests, keyed by digest (DescribeImages). */
  async scansOf(key: RepositoryKey, digests: readonly string[]): Promise<Map<string, ImageScanRecord>> {
    const images = await this.deps.registry.images.byDigest(key, digests);
    const scans = await this.deps.store.scans.getScans([...images.values()].map((i) => i.id));
    const scanType = await this.currentScanType(key.accountId);
    const byDigest = new Map<string, ImageScanRecord>();
    for (const image of images.values()) {
      const scan = scans.get(image.id);
      if (scan?.scanType === scanType) byDigest.set(image.digest, scan);
    }
    return byDigest;
  }

  /**
   * Scan on push (the outbox subscriber calls this for each image.pushed): queue a scan when the
   * repository's effective configuration scans on push, the manifest is an image, and the image
   * was never scanned here (a re-push or another tag for the same digest does not scan again).
   */
  async scanOnPush(accountId: string, repositoryName: string, digest: string): Promise<boolean> {
    const repository = await this.deps.store.registry.getRepository(accountId, repositoryName);
    const manifest = repository && (await this.deps.store.registry.getManifest(repository.id, digest));
    if (!repository || !manifest || unscannableMediaType(manifest)) return false;
    const registryConfig = await this.deps.store.scans.getRegistryConfig(accountId);
    const scanning = effectiveScanning(repository, registryConfig);
    if (!scanning.scanOnPush) return false;
    const now = this.deps.now();
    const job = scanJob({ manifestId: manifest.id, repositoryId: repository.id, digest, reason: 'push' }, now);
    const request: ScanRequest = { manifestId: manifest.id, repositoryId: repository.id, digest, scanType: scanning.scanType, now, onlyIfNeverScanned: true, job };
    let requested = await this.deps.store.scans.requestScan(request);
    // Scanned before, but under the other scan type: that scan is no longer available, so scan again.
    if (!requested.started && requested.existing.scanType !== scanning.scanType && requested.existing.status !== 'IN_PROGRESS') {
      requested = await this.deps.store.scans.requestScan({ ...request, onlyIfNeverScanned: false });
    }
    if (!requested.started) {
      // Delivered again after a crash: the request was recorded with its job in one transaction, so nothing is missing.
      return false;
    }
    this.deps.poke();
    return true;
  }

  /**
   * ECR: "Switching between Enhanced scanning and Basic scanning will cause previously established
   * scans to no longer be available. [...] if you switch back to your previous scanning type the
   * established scans will be available." So a scan record of the other type is hidden (not
   * deleted) until the registry switches back or the image is scanned again under the new type.
   */
  private async currentScanType(accountId: string): Promise<ScanType> {
    return (await this.deps.store.scans.getRegistryConfig(accountId))?.scanType ?? DEFAULT_REGISTRY_SCANNING.scanType;
  }

  private async resolve(key: RepositoryKey, ref: ImageRef): Promise<ImageRecord> {
    const digest = ref.tag !== undefined ? await this.deps.registry.images.resolveTag(key, ref.tag) : ref.digest;
    const image = digest !== undefined && (ref.digest === undefined || ref.digest === digest) ? (await this.deps.registry.images.byDigest(key, [digest])).get(digest) : undefined;
    if (!image) throw imageNotFound(key, ref);
    return image;
  }
}
