import type { InventoryPackage, OsInfo } from '../types.js';
import type { PackageKey } from '../../metadata/vulndb-store.js';

/**
 * How a package is looked up: in which OSV ecosystem(s), under which name, at which version.
 * Distribution packages match on their source package (Debian's advisories name `openssl`, not
 * `libssl3`), in the ecosystem of the exact release the image runs.
 */
export interface PackageQuery {
  pkg: InventoryPackage;
  keys: PackageKey[];
  name: string;
  version: string;
  /** True when matched on the source package rather than the binary one. */
  bySource: boolean;
}

export type QueryPlan = { query: PackageQuery } | { skip: string };

export function planQuery(pkg: InventoryPackage, os: OsInfo | undefined): QueryPlan {
  switch (pkg.type) {
    case 'deb':
    case 'apk':
    case 'rpm':
      return distroQuery(pkg, os);
    case 'npm':
      return direct(pkg, 'npm', pkg.name);
    case 'pypi':
      return direct(pkg, 'PyPI', pkg.name);
    case 'golang':
      return direct(pkg, 'Go', pkg.name);
    case 'maven':
      return pkg.namespace ? direct(pkg, 'Maven', `${pkg.namespace}:${pkg.name}`) : { skip: 'Maven package without a groupId' };
  }
}

function direct(pkg: InventoryPackage, ecosystem: string, name: string): QueryPlan {
  return { query: { pkg, keys: [{ ecosystem, name }], name, version: pkg.version, bySource: false } };
}

function distroQuery(pkg: InventoryPackage, os: OsInfo | undefined): QueryPlan {
  if (!os) return { skip: 'the image has no recognisable operating system release' };
  const ecosystems = distroEcosystems(pkg.type, os);
  if ('skip' in ecosystems) return ecosystems;
  const bySource = pkg.type !== 'rpm' && pkg.source !== undefined;
  const name = bySource ? pkg.source!.name : pkg.name;
  const version = bySource ? (pkg.source!.version ?? pkg.version) : pkg.version;
  return { query: { pkg, keys: ecosystems.keys.map((k) => ({ ...k, name })), name, version, bySource } };
}

function distroEcosystems(type: InventoryPackage['type'], os: OsInfo): { keys: Omit<PackageKey, 'name'>[] } | { skip: string } {
  const v = os.versionId;
  const major = v?.split('.')[0];
  const unknown = { skip: `no advisory ecosystem is known for ${os.id}${v ? ` ${v}` : ''} ${type} packages` };
  if (type === 'deb') {
    if (os.id === 'debian' && major && /^\d+$/.test(major)) return { keys: [{ ecosystem: `Debian:${major}` }] };
    if (os.id === 'ubuntu' && v) return { keys: [{ ecosystem: `Ubuntu:${v}` }, { ecosystem: `Ubuntu:${v}:LTS` }] };
    return unknown;
  }
  if (type === 'apk') {
    const minor = /^(\d+\.\d+)/.exec(v ?? '')?.[1];
    if (os.id === 'alpine' && minor) return { keys: [{ ecosystem: `Alpine:v${minor}` }] };
    if (os.id === 'wolfi') return { keys: [{ ecosystem: 'Wolfi' }] };
    if (os.id === 'chainguard') return { keys: [{ ecosystem: 'Chainguard' }] };
    return unknown;
  }
  if (!major) return unknown;
  if (os.id === 'rocky') return { keys: [{ ecosystem: `Rocky Linux:${major}` }] };
  if (os.id === 'almalinux') return { keys: [{ ecosystem: `AlmaLinux:${major}` }] };
  // Red Hat's OSV ecosystems carry the product stream ("Red Hat:enterprise_linux:9::appstream").
  if (os.id === 'rhel') return { keys: [{ ecosystem: `Red Hat:enterprise_linux:${major}:`, ecosystemPrefix: true }] };
  return unknown;
}
