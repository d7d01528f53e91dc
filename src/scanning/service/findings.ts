import type { NewFinding } from '../../metadata/scan-store.js';
import { planQuery } from '../match/queries.js';
import type { Finding, Inventory, OsInfo } from '../types.js';

/**
 * The identity of a finding across re-evaluations: the same package (type, name, version,
 * architecture, where it was found) and the same advisory. Its content (severity, fixed version,
 * references) may change with the database; its first-observed time stays.
 */
function findingKey(f: Finding): string {
  return [f.packageType, f.packageName, f.packageVersion, f.arch ?? '', f.locations[0]?.path ?? '', f.vulnerabilityId].join('\u0000');
}

/** Findings of one vulnerability, across packages, form one enhanced (Inspector-style) finding. */
function findingGroup(f: Finding): string {
  return f.cveId ?? f.vulnerabilityId;
}

export function toNewFindings(findings: readonly Finding[]): NewFinding[] {
  const seen = new Set<string>();
  const out: NewFinding[] = [];
  for (const f of findings) {
    const key = findingKey(f);
    // Two inventory entries at the same path cannot both exist; a repeated key would be a matcher bug.
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ key, groupKey: findingGroup(f), severity: f.severity, finding: f as unknown as Record<string, unknown> });
  }
  return out;
}

/**
 * Whether anything in the inventory can be matched at all. An image without a recognised
 * distribution and without language packages (a scratch image, an unknown distribution) is what
 * ECR reports as unsupported.
 */
export function isSupported(inventory: Inventory): boolean {
  return inventory.packages.some((pkg) => !('skip' in planQuery(pkg, inventory.os)));
}

/**
 * Inspector-style platform names (AwsEcrContainerImageDetails.platform): DEBIAN_12, UBUNTU_22_04,
 * ALPINE_LINUX_3_7, AMAZON_LINUX_2; other distributions as ID_VERSION in capitals.
 */
export function platformOf(os: OsInfo | undefined): string | undefined {
  if (!os) return undefined;
  const version = os.versionId ?? os.release;
  const parts = (v: string | undefined, n: number) => (v ?? '').split('.').slice(0, n).filter(Boolean).join('_');
  switch (os.id) {
    case 'debian':
      return `DEBIAN_${parts(version, 1)}`;
    case 'ubuntu':
      return `UBUNTU_${parts(version, 2)}`;
    case 'alpine':
      return `ALPINE_LINUX_${parts(version, 2)}`;
    case 'amzn':
      return `AMAZON_LINUX_${parts(version, 1)}`;
    default:
      return [os.id, version].filter(Boolean).join('_').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
  }
}
