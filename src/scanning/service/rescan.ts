import type { RepositoryRecord } from '../../metadata/registry-store.js';
import type { RescanCandidate } from '../../metadata/scan-store.js';
import { inventoryFromCycloneDx } from '../sbom/cyclonedx.js';
import { effectiveScanning, hasContinuousRules } from './configuration.js';
import type { ScanDeps } from './deps.js';
import { evaluate } from './evaluate.js';
import { SCANNER_VERSION, scanJob } from './job-types.js';

const PAGE = 200;

export interface RescanSummary {
  version: number;
  repositories: number;
  rematched: number;
  changed: number;
  /** Images queued for a full scan (never scanned, or their SBOM is missing or outdated). */
  queued: number;
}

/**
 * Continuous scanning: brings every image under CONTINUOUS_SCAN up to the current vulnerability
 * database. Images with a stored SBOM are re-matched from it (no layer reads); images without one
 * (never scanned, e.g. pushed before the repository became continuously scanned) get a scan job.
 * Idempotent and resumable: an image already evaluated at the target version is not a candidate,
 * so a sweep interrupted by a crash starts over cheaply. A sweep repeats while the database moved
 * under it. `force` re-matches images already at the current version too (after a configuration
 * change made a repository continuous, so its basic findings become enhanced ones).
 */
export async function rescanContinuous(deps: ScanDeps, options: { force?: boolean; signal?: AbortSignal; onQueued?: () => void } = {}): Promise<RescanSummary> {
  const summary: RescanSummary = { version: 0, repositories: 0, rematched: 0, changed: 0, queued: 0 };
  let force = options.force === true;
  for (;;) {
    const target = await deps.store.vulnDb.version();
    summary.version = target;
    for (const config of await deps.store.scans.listRegistryConfigs()) {
      if (!hasContinuousRules(config)) continue;
      for await (const repository of repositoriesOf(deps, config.accountId)) {
        options.signal?.throwIfAborted();
        if (effectiveScanning(repository, config).scanFrequency !== 'CONTINUOUS_SCAN') continue;
        summary.repositories++;
        await rescanRepository(deps, repository, force ? target + 1 : target, summary, options);
      }
    }
    await deps.store.scans.setRematchedVersion(target);
    await deps.store.scans.pruneSboms();
    if ((await deps.store.vulnDb.version()) === target) return summary;
    force = false;
  }
}

async function rescanRepository(
  deps: ScanDeps,
  repository: RepositoryRecord,
  belowVersion: number,
  summary: RescanSummary,
  options: { signal?: AbortSignal; onQueued?: () => void },
): Promise<void> {
  for (let after: number | undefined; ; ) {
    const page = await deps.store.scans.listRescanCandidates(repository.id, { belowVersion, ...(after !== undefined && { afterManifestId: after }), limit: PAGE });
    for (const candidate of page) {
      options.signal?.throwIfAborted();
      await rescanImage(deps, repository, candidate, summary, options.onQueued);
    }
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.manifestId;
  }
}

async function rescanImage(deps: ScanDeps, repository: RepositoryRecord, candidate: RescanCandidate, summary: RescanSummary, onQueued?: () => void): Promise<void> {
  const sbom = candidate.scan && (await deps.store.scans.getSbom(candidate.digest));
  if (!candidate.scan || !sbom || sbom.scannerVersion !== SCANNER_VERSION) {
    const now = deps.now();
    const requested = await deps.store.scans.requestScan({
      manifestId: candidate.manifestId,
      repositoryId: repository.id,
      digest: candidate.digest,
      scanType: 'ENHANCED',
      now,
      job: scanJob({ manifestId: candidate.manifestId, repositoryId: repository.id, digest: candidate.digest, reason: 'continuous' }, now),
    });
    if (requested.started) {
      summary.queued++;
      onQueued?.();
    }
    return;
  }
  const outcome = await evaluate(deps, {
    repository,
    scan: { manifestId: candidate.manifestId, generation: candidate.scan.generation, scanType: candidate.scan.scanType, digest: candidate.digest },
    inventory: inventoryFromCycloneDx(JSON.parse(sbom.sbom)),
    reason: 'continuous',
    continuous: true,
    rematch: true,
  });
  if (outcome.written) summary.rematched++;
  if (outcome.changed) summary.changed++;
}

async function* repositoriesOf(deps: ScanDeps, accountId: string): AsyncGenerator<RepositoryRecord> {
  for (let after: string | undefined; ; ) {
    const page = await deps.store.registry.listRepositories(accountId, { ...(after !== undefined && { after }), limit: PAGE });
    yield* page.items;
    if (!page.next) return;
    after = page.next;
  }
}
