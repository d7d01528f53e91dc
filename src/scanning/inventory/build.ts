import { OS_PACKAGE_TYPES, type Inventory, type InventoryPackage, type OsInfo, type PackageType } from '../types.js';
import { resolveSymlink } from '../layers/entry-path.js';
import { ownedPaths } from './analyzers/dpkg.js';
import type { Artifact } from './artifacts.js';
import type { MergedView, ViewRecord } from './merged-view.js';

type Of<K extends Artifact['kind']> = Extract<Artifact, { kind: K }>;

/**
 * Turns what survived the layer merge into an inventory: OS packages from their databases,
 * language packages from their manifests minus those whose files an OS package installed (a
 * Debian python3-six is reported once, as a deb, not again as a PyPI package).
 */
export function buildInventory(view: MergedView, warnings: string[]): Inventory {
  const packages: InventoryPackage[] = [];
  const owned = new Set<string>();
  const fileLists: Of<'owned-files'>[] = [];
  const found: { path: string; rec: ViewRecord; artifact: Of<'packages'> }[] = [];
  for (const [path, rec] of view.entries()) {
    const a = rec.artifact;
    const location = { path, layerDigest: rec.layerDigest };
    switch (a.kind) {
      case 'dpkg-status':
        for (const p of a.packages) {
          packages.push({
            type: 'deb',
            name: p.name,
            version: p.version,
            ...(p.arch ? { arch: p.arch } : {}),
            ...(p.source ? { source: p.source } : {}),
            locations: [location],
          });
        }
        break;
      case 'apk-db':
        for (const p of a.packages) {
          packages.push({
            type: 'apk',
            name: p.name,
            version: p.version,
            ...(p.arch ? { arch: p.arch } : {}),
            source: { name: p.origin ?? p.name, version: p.version },
            ...(p.license ? { licenses: [p.license] } : {}),
            locations: [location],
          });
          for (const f of p.files) owned.add(f);
        }
        break;
      case 'rpm-db':
        for (const p of a.packages) {
          packages.push({
            type: 'rpm',
            name: p.name,
            version: p.version,
            ...(p.arch ? { arch: p.arch } : {}),
            ...(p.source ? { source: p.source } : {}),
            ...(p.license ? { licenses: [p.license] } : {}),
            locations: [location],
          });
          for (const f of p.files) owned.add(f);
        }
        break;
      case 'owned-files':
        fileLists.push(a);
        break;
      case 'packages':
        found.push({ path, rec, artifact: a });
        break;
      case 'unsupported':
        warnings.push(a.message);
        break;
      default:
        break;
    }
  }
  if (found.length) {
    for (const list of fileLists) for (const f of ownedPaths(list.format, list.text)) owned.add(f);
    // A loop, not push(...): an image may hold more packages than a call takes arguments.
    for (const p of languagePackages(found, owned)) packages.push(p);
  }
  packages.sort(comparePackages);
  const os = detectOs(view);
  return { ...(os ? { os } : {}), packages, warnings };
}

const MERGED_USR = /^(usr\/)?((?:s?bin|lib|lib32|lib64|libx32)\/.*)$/;

/** Package lists may name /bin, /lib… while merged-/usr images hold them under usr/ (and the reverse). */
function isOwned(owned: Set<string>, path: string): boolean {
  if (owned.has(path)) return true;
  const m = MERGED_USR.exec(path);
  return m !== null && owned.has(m[1] ? m[2]! : `usr/${m[2]}`);
}

function languagePackages(found: { path: string; rec: ViewRecord; artifact: Of<'packages'> }[], owned: Set<string>): InventoryPackage[] {
  const byKey = new Map<string, InventoryPackage>();
  for (const { path, rec, artifact } of found) {
    if (isOwned(owned, path)) continue;
    for (const { innerPath, ...p } of artifact.packages) {
      const location = { path: innerPath ? `${path}!/${innerPath}` : path, layerDigest: rec.layerDigest };
      const key = `${p.type}\u0000${p.namespace ?? ''}\u0000${p.name}\u0000${p.version}`;
      const existing = byKey.get(key);
      if (existing) existing.locations.push(location);
      else byKey.set(key, { ...p, locations: [location] });
    }
  }
  for (const p of byKey.values()) p.locations.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return [...byKey.values()];
}

const TYPE_ORDER: PackageType[] = ['deb', 'apk', 'rpm', 'golang', 'maven', 'npm', 'pypi'];

function comparePackages(a: InventoryPackage, b: InventoryPackage): number {
  if (a.type !== b.type) {
    if (OS_PACKAGE_TYPES.has(a.type) !== OS_PACKAGE_TYPES.has(b.type)) return OS_PACKAGE_TYPES.has(a.type) ? -1 : 1;
    return TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type);
  }
  const ka = `${a.namespace ?? ''}/${a.name}\u0000${a.version}\u0000${a.arch ?? ''}`;
  const kb = `${b.namespace ?? ''}/${b.name}\u0000${b.version}\u0000${b.arch ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** os-release (etc/ first, following a symlink, then usr/lib/), completed by the distribution's release file. */
function detectOs(view: MergedView): OsInfo | undefined {
  let fields: Record<string, string> | undefined;
  let etc = view.get('etc/os-release')?.artifact;
  if (etc?.kind === 'symlink') etc = view.get(resolveSymlink('etc/os-release', etc.target))?.artifact;
  if (etc?.kind === 'os-release') fields = etc.fields;
  const lib = view.get('usr/lib/os-release')?.artifact;
  if (!fields && lib?.kind === 'os-release') fields = lib.fields;
  const release = (file: string): string | undefined => {
    const a = view.get(`etc/${file}`)?.artifact;
    return a?.kind === 'release-file' ? a.value : undefined;
  };
  const alpine = release('alpine-release');
  const debian = release('debian_version');
  const id = fields?.ID?.toLowerCase() ?? (alpine ? 'alpine' : debian ? 'debian' : undefined);
  if (!id) return undefined;
  const os: OsInfo = { id };
  let versionId = fields?.VERSION_ID;
  const full = id === 'alpine' ? alpine : id === 'debian' ? debian : undefined;
  if (!versionId && full) versionId = id === 'debian' ? /^(\d+)\./.exec(full)?.[1] : full;
  if (versionId) os.versionId = versionId;
  if (full) os.release = full;
  if (fields?.PRETTY_NAME) os.prettyName = fields.PRETTY_NAME;
  if (fields?.VERSION_CODENAME) os.codename = fields.VERSION_CODENAME;
  if (fields?.ID_LIKE) os.idLike = fields.ID_LIKE.split(/\s+/).filter(Boolean);
  return os;
}
