import { DomainError } from '../../domain/errors.js';
import type {
  RegistryScanningConfigRecord,
  RegistryScanningRule,
  ScanFrequency,
  ScanningRepositoryFilter,
  ScanType,
} from '../../metadata/scan-store.js';
import { matchesScanFilter } from './wildcard.js';

/** A registry's scanning configuration as GetRegistryScanningConfiguration reports it. */
export interface RegistryScanningConfiguration {
  scanType: ScanType;
  rules: RegistryScanningRule[];
}

/**
 * "When a registry scanning configuration is not defined, by default the BASIC scan type is used"
 * (PutRegistryScanningConfiguration, ECR API reference), with no rules.
 */
export const DEFAULT_REGISTRY_SCANNING: Readonly<RegistryScanningConfiguration> = Object.freeze({ scanType: 'BASIC', rules: [] });

/** Frequencies a scan type supports, per the ECR API reference (RegistryScanningRule.scanFrequency). */
const SUPPORTED: Record<ScanType, readonly ScanFrequency[]> = {
  // "When the BASIC scan type is specified, the SCAN_ON_PUSH scan frequency is supported"; MANUAL
  // is what unmatched repositories get, so a MANUAL rule is accepted and changes nothing.
  BASIC: ['SCAN_ON_PUSH', 'MANUAL'],
  ENHANCED: ['SCAN_ON_PUSH', 'CONTINUOUS_SCAN'],
};

/** Checks a PutRegistryScanningConfiguration request beyond what the model validates. */
export function checkRegistryScanning(config: RegistryScanningConfiguration): void {
  for (const rule of config.rules) {
    if (!SUPPORTED[config.scanType].includes(rule.scanFrequency)) {
      throw new DomainError(
        'Validation',
        `The scan frequency ${rule.scanFrequency} is not supported for the ${config.scanType} scan type; supported: ${SUPPORTED[config.scanType].join(', ')}`,
      );
    }
  }
  const frequencies = config.rules.map((r) => r.scanFrequency);
  const repeated = frequencies.find((f, i) => frequencies.indexOf(f) !== i);
  if (repeated) {
    throw new DomainError('Validation', `Each scan frequency may have one rule; ${repeated} has ${frequencies.filter((f) => f === repeated).length}`);
  }
}

/** One repository's scanning as BatchGetRepositoryScanningConfiguration reports it. */
export interface EffectiveScanning {
  scanType: ScanType;
  scanFrequency: ScanFrequency;
  scanOnPush: boolean;
  appliedScanFilters: ScanningRepositoryFilter[];
}

/**
 * Which scanning applies to a repository. The precedence (ECR user guide, "Filters to choose which
 * repositories are scanned", and the deprecation of the repository-level setting):
 * - No registry configuration was ever put: the repository's own `scanOnPush` flag (BASIC).
 * - BASIC: registry SCAN_ON_PUSH filters select repositories scanned on push; a repository whose
 *   deprecated `scanOnPush` flag is set is scanned on push too (the flag still works in ECR next to
 *   registry filters); everything else is MANUAL.
 * - ENHANCED: only the registry rules count; a repository matching both a continuous and a
 *   scan-on-push filter is scanned continuously ("Amazon ECR enforces the continuous scanning filter
 *   over the scan on push filter"); one matching none has scanning off (reported as MANUAL, and a
 *   continuously scanned image is also scanned when pushed).
 * A rule with no filters selects no repository (Berth's reading; ECR documents no default).
 */
export function effectiveScanning(
  repository: { name: string; scanOnPush: boolean },
  registry: Pick<RegistryScanningConfigRecord, 'scanType' | 'rules'> | undefined,
): EffectiveScanning {
  const manual = (scanType: ScanType): EffectiveScanning => ({ scanType, scanFrequency: 'MANUAL', scanOnPush: false, appliedScanFilters: [] });
  if (!registry) return repository.scanOnPush ? { scanType: 'BASIC', scanFrequency: 'SCAN_ON_PUSH', scanOnPush: true, appliedScanFilters: [] } : manual('BASIC');
  const matching = (frequency: ScanFrequency) =>
    registry.rules
      .filter((r) => r.scanFrequency === frequency)
      .flatMap((r) => r.repositoryFilters.filter((f) => matchesScanFilter(f.filter, repository.name)));
  if (registry.scanType === 'ENHANCED') {
    const continuous = matching('CONTINUOUS_SCAN');
    if (continuous.length > 0) return { scanType: 'ENHANCED', scanFrequency: 'CONTINUOUS_SCAN', scanOnPush: true, appliedScanFilters: continuous };
  }
  const onPush = matching('SCAN_ON_PUSH');
  if (onPush.length > 0) return { scanType: registry.scanType, scanFrequency: 'SCAN_ON_PUSH', scanOnPush: true, appliedScanFilters: onPush };
  if (registry.scanType === 'BASIC' && repository.scanOnPush) return { scanType: 'BASIC', scanFrequency: 'SCAN_ON_PUSH', scanOnPush: true, appliedScanFilters: [] };
  return manual(registry.scanType);
}

/** Whether any rule of the configuration can make a repository continuously scanned. */
export function hasContinuousRules(registry: Pick<RegistryScanningConfigRecord, 'scanType' | 'rules'>): boolean {
  return registry.scanType === 'ENHANCED' && registry.rules.some((r) => r.scanFrequency === 'CONTINUOUS_SCAN' && r.repositoryFilters.length > 0);
}
