/**
 * The data the scanner produces: an inventory of what is installed in an image (stored per image as
 * an SBOM so a vulnerability-database update re-matches without reading layers again) and the
 * findings from matching it against the vulnerability database.
 */

/** Package kinds, named after their purl type. */
export type PackageType = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'golang' | 'maven';

export const OS_PACKAGE_TYPES: ReadonlySet<PackageType> = new Set(['deb', 'apk', 'rpm']);

/** Where a package was found: a path inside the image (no leading slash) and the layer it came from. */
export interface PackageLocation {
  path: string;
  layerDigest?: string;
}

export interface InventoryPackage {
  type: PackageType;
  /** The name the package manager uses (maven: artifactId; golang: module path or "stdlib"). */
  name: string;
  /** maven: groupId. */
  namespace?: string;
  /** Full version as installed (deb/rpm include the epoch as "E:" when there is one). */
  version: string;
  arch?: string;
  /** The package it was built from: dpkg Source, apk origin, rpm source RPM. */
  source?: { name: string; version?: string };
  licenses?: string[];
  locations: PackageLocation[];
}

export interface OsInfo {
  /** os-release ID ("debian", "alpine", "ubuntu", "rhel", "rocky", ...). */
  id: string;
  /** os-release VERSION_ID, or the release file's version when os-release lacks it. */
  versionId?: string;
  /** Full release as the distribution's release file states it (/etc/debian_version "12.15", /etc/alpine-release "3.7.3"). */
  release?: string;
  prettyName?: string;
  codename?: string;
  idLike?: string[];
}

export interface Inventory {
  os?: OsInfo;
  packages: InventoryPackage[];
  /** Things the scan could not read or chose to skip, in words a user can act on. */
  warnings: string[];
}

/** ECR's severity labels. */
export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNDEFINED';

export interface CvssScore {
  version: '2.0' | '3.0' | '3.1' | '4.0';
  vector: string;
  baseScore: number;
}

export interface Finding {
  packageName: string;
  packageVersion: string;
  packageType: PackageType;
  /** The OSV ecosystem the package was matched in ("Debian:12", "PyPI", ...). */
  ecosystem: string;
  /** dpkg Source / apk origin / rpm source, when the match was made on it. */
  sourcePackage?: string;
  sourceVersion?: string;
  arch?: string;
  /** The OSV record id. */
  vulnerabilityId: string;
  aliases: string[];
  /** The CVE id: the record id when it is one, else the first CVE alias. */
  cveId?: string;
  severity: Severity;
  /** Where the severity came from: a CVSS vector, the database's own label, or nothing known. */
  severitySource: 'cvss' | 'database' | 'none';
  cvss?: CvssScore;
  fixedVersion?: string;
  summary?: string;
  description?: string;
  /** The advisory's primary URL, when the record names one. */
  uri?: string;
  /** The advisory's own dates (OSV `published`, `modified`), when it gives them. */
  published?: string;
  modified?: string;
  references: string[];
  locations: PackageLocation[];
}
