import { PackageURL } from 'packageurl-js';
import type { InventoryPackage, OsInfo, PackageType } from '../types.js';

/**
 * Package URLs (purl spec) for inventory packages, through packageurl-js for the encoding rules.
 * OS packages carry the distribution: pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12.
 */
export function purlFor(pkg: InventoryPackage, os: OsInfo | undefined): string {
  const qualifiers: Record<string, string> = {};
  if (pkg.arch) qualifiers.arch = pkg.arch;
  let namespace: string | undefined;
  let name = pkg.name;
  let version = pkg.version;
  switch (pkg.type) {
    case 'deb':
    case 'apk':
    case 'rpm':
      namespace = os?.id ?? (pkg.type === 'apk' ? 'alpine' : undefined);
      if (os?.versionId || os?.release) qualifiers.distro = `${os.id}-${pkg.type === 'apk' ? (os.release ?? os.versionId) : os.versionId ?? os.release}`;
      if (pkg.type === 'rpm') {
        // purl puts the rpm epoch in a qualifier, not the version.
        const m = /^(\d+):(.*)$/.exec(version);
        if (m) {
          qualifiers.epoch = m[1]!;
          version = m[2]!;
        }
      }
      break;
    case 'npm':
      if (name.startsWith('@') && name.includes('/')) [namespace, name] = [name.slice(0, name.indexOf('/')), name.slice(name.indexOf('/') + 1)];
      break;
    case 'golang':
      if (name.includes('/')) [namespace, name] = [name.slice(0, name.lastIndexOf('/')), name.slice(name.lastIndexOf('/') + 1)];
      break;
    case 'maven':
      namespace = pkg.namespace;
      break;
    case 'pypi':
      break;
  }
  return new PackageURL(pkg.type, namespace, name, version, Object.keys(qualifiers).length ? qualifiers : undefined, undefined).toString();
}

const TYPES = new Set<PackageType>(['deb', 'apk', 'rpm', 'npm', 'pypi', 'golang', 'maven']);

export interface ParsedPurl {
  type: PackageType;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers: Record<string, string>;
}

/** The parts of a purl Berth understands, or undefined for other types and malformed strings. */
export function parsePurl(purl: string): ParsedPurl | undefined {
  let p: PackageURL;
  try {
    p = PackageURL.fromString(purl);
  } catch {
    return undefined;
  }
  if (!TYPES.has(p.type as PackageType)) return undefined;
  return {
    type: p.type as PackageType,
    ...(p.namespace ? { namespace: p.namespace } : {}),
    name: p.name,
    ...(p.version ? { version: p.version } : {}),
    qualifiers: { ...(p.qualifiers ?? {}) },
  };
}
