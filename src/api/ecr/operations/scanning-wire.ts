/**
 * Stored scan findings in ECR's two wire shapes. Basic findings (ImageScanFinding) are one per
 * package and vulnerability, with the attributes ECR's basic scanning sends (package_name,
 * package_version, CVSS<v>_VECTOR, CVSS<v>_SCORE); enhanced findings (EnhancedImageScanFinding)
 * follow Amazon Inspector: one per vulnerability listing every affected package, with observation
 * times and ACTIVE/CLOSED status. Everything comes from the advisory and the inventory; nothing is
 * invented (no description, no score, severity UNDEFINED when the data has none).
 */
import { createHash } from 'node:crypto';
import type { ImageRecord } from '../../../metadata/image-store.js';
import type { ImageScanRecord, StoredFinding } from '../../../metadata/scan-store.js';
import type { Finding } from '../../../scanning/index.js';
import type { Attribute, EnhancedImageScanFinding, FindingSeverity, ImageScanFinding, VulnerablePackage } from '../model/types.js';

export function basicFinding(stored: StoredFinding): ImageScanFinding {
  const f = stored.finding as unknown as Finding;
  const attributes: Attribute[] = [
    { key: 'package_version', value: f.packageVersion },
    { key: 'package_name', value: f.packageName },
  ];
  if (f.cvss) {
    const v = f.cvss.version.split('.')[0];
    attributes.push({ key: `CVSS${v}_VECTOR`, value: f.cvss.vector }, { key: `CVSS${v}_SCORE`, value: String(f.cvss.baseScore) });
  }
  // Berth's additions, in the same key style: what the match was made on and what fixes it.
  if (f.sourcePackage && f.sourcePackage !== f.packageName) attributes.push({ key: 'source_package_name', value: f.sourcePackage });
  if (f.sourceVersion && f.sourceVersion !== f.packageVersion) attributes.push({ key: 'source_package_version', value: f.sourceVersion });
  if (f.fixedVersion) attributes.push({ key: 'fixed_in_version', value: f.fixedVersion });
  if (f.cveId && f.cveId !== f.vulnerabilityId) attributes.push({ key: 'vulnerability_id', value: f.vulnerabilityId });
  return {
    name: f.cveId ?? f.vulnerabilityId,
    ...(f.description !== undefined && { description: f.description }),
    ...(f.uri !== undefined && { uri: f.uri }),
    severity: f.severity as FindingSeverity,
    attributes,
  };
}

export interface EnhancedContext {
  accountId: string;
  region: string;
  repositoryName: string;
  image: ImageRecord;
  scan: ImageScanRecord;
}

/** Stored findings grouped per vulnerability (in listing order of each group's first member). */
export function groupFindings(findings: readonly StoredFinding[]): StoredFinding[][] {
  const groups = new Map<string, StoredFinding[]>();
  for (const f of findings) {
    const group = groups.get(f.groupKey);
    if (group) group.push(f);
    else groups.set(f.groupKey, [f]);
  }
  return [...groups.values()];
}

const RANK: Record<string, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, INFORMATIONAL: 4, UNDEFINED: 5 };

export function enhancedFinding(group: readonly StoredFinding[], ctx: EnhancedContext): EnhancedImageScanFinding {
  const active = group.filter((s) => s.status === 'ACTIVE');
  const members = active.length > 0 ? active : group;
  // The most severe member speaks for the vulnerability (members differ only when advisories score packages apart).
  const lead = [...members].sort((a, b) => (RANK[a.severity] ?? 6) - (RANK[b.severity] ?? 6))[0]!;
  const f = lead.finding as unknown as Finding;
  const id = f.cveId ?? f.vulnerabilityId;
  const fixAvailable = members.every((m) => (m.finding as unknown as Finding).fixedVersion) ? 'YES' : members.some((m) => (m.finding as unknown as Finding).fixedVersion) ? 'PARTIAL' : 'NO';
  const names = [...new Set(members.map((m) => (m.finding as unknown as Finding).packageName))];
  const related = [...new Set([f.vulnerabilityId, ...f.aliases].filter((a) => a !== id))];
  return {
    awsAccountId: ctx.accountId,
    ...(f.description !== undefined && { description: f.description }),
    findingArn: findingArn(ctx, lead.groupKey),
    firstObservedAt: new Date(Math.min(...group.map((m) => m.firstObservedAt.getTime()))),
    lastObservedAt: new Date(Math.max(...group.map((m) => m.lastObservedAt.getTime()))),
    updatedAt: new Date(Math.max(...group.map((m) => m.updatedAt.getTime()))),
    packageVulnerabilityDetails: {
      ...(f.cvss && { cvss: [{ baseScore: f.cvss.baseScore, scoringVector: f.cvss.vector, source: sourceOf(f), version: f.cvss.version }] }),
      referenceUrls: f.references,
      relatedVulnerabilities: related,
      source: sourceOf(f),
      ...(f.uri !== undefined && { sourceUrl: f.uri }),
      ...(f.published !== undefined && { vendorCreatedAt: new Date(f.published) }),
      ...(f.modified !== undefined && { vendorUpdatedAt: new Date(f.modified) }),
      ...(f.severitySource === 'database' && { vendorSeverity: f.severity }),
      vulnerabilityId: id,
      vulnerablePackages: members.map((m) => vulnerablePackage(m.finding as unknown as Finding)),
    },
    remediation: {
      recommendation: { text: fixAvailable === 'NO' ? 'None Provided' : `Upgrade ${names.join(', ')} to the fixed version listed for each vulnerable package.` },
    },
    resources: [
      {
        type: 'AWS_ECR_CONTAINER_IMAGE',
        id: `arn:aws:ecr:${ctx.region}:${ctx.accountId}:repository/${ctx.repositoryName}/${ctx.image.digest}`,
        details: {
          awsEcrContainerImage: {
            ...(ctx.scan.image?.architecture !== undefined && { architecture: ctx.scan.image.architecture }),
            imageHash: ctx.image.digest,
            ...(ctx.image.tags.length > 0 && { imageTags: ctx.image.tags }),
            ...(ctx.scan.image?.platform !== undefined && { platform: ctx.scan.image.platform }),
            pushedAt: ctx.image.pushedAt,
            registry: ctx.accountId,
            repositoryName: ctx.repositoryName,
          },
        },
      },
    ],
    ...(f.cvss && {
      score: f.cvss.baseScore,
      scoreDetails: { cvss: { score: f.cvss.baseScore, scoreSource: sourceOf(f), scoringVector: f.cvss.vector, version: f.cvss.version, adjustments: [] } },
    }),
    severity: lead.severity,
    status: members === active ? 'ACTIVE' : 'CLOSED',
    title: `${id} - ${names.join(', ')}`,
    type: 'PACKAGE_VULNERABILITY',
    fixAvailable,
  };
}

/** Inspector's package managers: OS for distribution packages, the installed-package kinds otherwise. */
const PACKAGE_MANAGERS: Record<string, string> = { deb: 'OS', apk: 'OS', rpm: 'OS', npm: 'NODEPKG', pypi: 'PYTHONPKG', golang: 'GOBINARY', maven: 'JAR' };

function vulnerablePackage(f: Finding): VulnerablePackage {
  const os = PACKAGE_MANAGERS[f.packageType] === 'OS';
  const parts = os ? splitOsVersion(f.packageType, f.packageVersion) : { version: f.packageVersion };
  const location = f.locations[0];
  return {
    name: f.packageName,
    ...parts,
    ...(f.arch !== undefined && { arch: f.arch }),
    packageManager: PACKAGE_MANAGERS[f.packageType] ?? f.packageType.toUpperCase(),
    ...(location && { filePath: location.path }),
    ...(location?.layerDigest !== undefined && { sourceLayerHash: location.layerDigest }),
    // Inspector's word for "no fixed version published".
    fixedInVersion: f.fixedVersion ?? 'NotAvailable',
  };
}

/** Distribution versions as Inspector splits them: epoch, upstream version, release (Debian revision, rpm release, apk -rN). */
function splitOsVersion(type: string, full: string): { epoch: number; version: string; release?: string } {
  const colon = /^(\d+):/.exec(full);
  const epoch = colon ? Number(colon[1]) : 0;
  const rest = colon ? full.slice(colon[0].length) : full;
  const dash = type === 'apk' ? rest.lastIndexOf('-r') : rest.lastIndexOf('-');
  if (dash <= 0) return { epoch, version: rest };
  return { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
}

/** The database the advisory came from, by its OSV id prefix (DEBIAN, ALPINE, GHSA, PYSEC, GO, CVE...). */
function sourceOf(f: Finding): string {
  return /^([A-Za-z]+)-/.exec(f.vulnerabilityId)?.[1]?.toUpperCase() ?? 'OSV';
}

/** A stable ARN per image and vulnerability, in Inspector's form (arn:aws:inspector2:<region>:<account>:finding/<id>). */
function findingArn(ctx: EnhancedContext, groupKey: string): string {
  const id = createHash('sha256').update(`${ctx.accountId}\u0000${ctx.repositoryName}\u0000${ctx.image.digest}\u0000${groupKey}`).digest('hex').slice(0, 32);
  return `arn:aws:inspector2:${ctx.region}:${ctx.accountId}:finding/${id}`;
}
