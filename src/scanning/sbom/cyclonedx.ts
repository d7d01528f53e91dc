import { randomUUID } from 'node:crypto';
import { DomainError } from '../../domain/errors.js';
import type { Inventory, InventoryPackage, OsInfo, PackageLocation } from '../types.js';
import { parsePurl, purlFor } from './purl.js';

/**
 * The stored form of an inventory: CycloneDX 1.6 JSON. Everything matching needs survives the
 * round trip — exact names and versions in the component fields, the type and distribution in
 * the purl, source packages and architecture as `berth:` properties, paths and layers as evidence
 * occurrences — so a database update re-matches an image from its SBOM without reading layers.
 */
export interface CycloneDxBom {
  bomFormat: 'CycloneDX';
  specVersion: '1.6';
  serialNumber: string;
  version: number;
  metadata: Record<string, unknown>;
  components: CdxComponent[];
}

interface CdxProperty {
  name: string;
  value: string;
}

interface CdxComponent {
  type: string;
  'bom-ref'?: string;
  group?: string;
  name: string;
  version?: string;
  description?: string;
  purl?: string;
  licenses?: { license: { name: string } }[];
  properties?: CdxProperty[];
  evidence?: { occurrences?: { location: string; additionalContext?: string }[] };
}

export interface SbomOptions {
  imageName?: string;
  imageDigest?: string;
  timestamp?: Date;
  serialNumber?: string;
}

const P = {
  arch: 'berth:arch',
  sourceName: 'berth:source:name',
  sourceVersion: 'berth:source:version',
  osRelease: 'berth:os:release',
  osCodename: 'berth:os:codename',
  osIdLike: 'berth:os:idLike',
  warning: 'berth:warning',
} as const;

export function inventoryToCycloneDx(inventory: Inventory, options: SbomOptions = {}): CycloneDxBom {
  const components: CdxComponent[] = [];
  if (inventory.os) components.push(osComponent(inventory.os));
  const refs = new Map<string, number>();
  for (const pkg of inventory.packages) {
    const purl = purlFor(pkg, inventory.os);
    const n = refs.get(purl) ?? 0;
    refs.set(purl, n + 1);
    components.push(packageComponent(pkg, purl, n ? `${purl}#${n}` : purl));
  }
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: options.serialNumber ?? `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: (options.timestamp ?? new Date()).toISOString(),
      tools: { components: [{ type: 'application', name: 'berth' }] },
      component: {
        type: 'container',
        'bom-ref': 'image',
        name: options.imageName ?? 'image',
        ...(options.imageDigest ? { version: options.imageDigest } : {}),
      },
      ...(inventory.warnings.length ? { properties: inventory.warnings.map((value) => ({ name: P.warning, value })) } : {}),
    },
    components,
  };
}

function osComponent(os: OsInfo): CdxComponent {
  const properties: CdxProperty[] = [];
  if (os.release) properties.push({ name: P.osRelease, value: os.release });
  if (os.codename) properties.push({ name: P.osCodename, value: os.codename });
  if (os.idLike?.length) properties.push({ name: P.osIdLike, value: os.idLike.join(' ') });
  return {
    type: 'operating-system',
    'bom-ref': 'os',
    name: os.id,
    ...(os.versionId ? { version: os.versionId } : {}),
    ...(os.prettyName ? { description: os.prettyName } : {}),
    ...(properties.length ? { properties } : {}),
  };
}

function packageComponent(pkg: InventoryPackage, purl: string, ref: string): CdxComponent {
  const properties: CdxProperty[] = [];
  if (pkg.arch) properties.push({ name: P.arch, value: pkg.arch });
  if (pkg.source) {
    properties.push({ name: P.sourceName, value: pkg.source.name });
    if (pkg.source.version) properties.push({ name: P.sourceVersion, value: pkg.source.version });
  }
  return {
    type: 'library',
    'bom-ref': ref,
    ...(pkg.namespace ? { group: pkg.namespace } : {}),
    name: pkg.name,
    version: pkg.version,
    purl,
    ...(pkg.licenses?.length ? { licenses: pkg.licenses.map((name) => ({ license: { name } })) } : {}),
    ...(properties.length ? { properties } : {}),
    evidence: {
      occurrences: pkg.locations.map((l) => ({ location: l.path, ...(l.layerDigest ? { additionalContext: l.layerDigest } : {}) })),
    },
  };
}

/**
 * Reads an inventory back from a CycloneDX JSON document (Berth's own, or another tool's as far
 * as its purls allow). Components without a purl of a supported type are ignored.
 */
export function inventoryFromCycloneDx(doc: unknown): Inventory {
  const bom = doc as Partial<CycloneDxBom> | null;
  if (!bom || typeof bom !== 'object' || bom.bomFormat !== 'CycloneDX' || !Array.isArray(bom.components)) {
    throw new DomainError('SbomInvalid', 'not a CycloneDX JSON document (bomFormat "CycloneDX" with a components array)');
  }
  let os: OsInfo | undefined;
  const packages: InventoryPackage[] = [];
  for (const c of bom.components) {
    if (!c || typeof c !== 'object' || typeof c.name !== 'string') continue;
    const props = propertyMap(c.properties);
    if (c.type === 'operating-system') {
      os = { id: c.name };
      if (c.version) os.versionId = c.version;
      if (props.get(P.osRelease)) os.release = props.get(P.osRelease);
      if (c.description) os.prettyName = c.description;
      if (props.get(P.osCodename)) os.codename = props.get(P.osCodename);
      if (props.get(P.osIdLike)) os.idLike = props.get(P.osIdLike)!.split(' ');
      continue;
    }
    const purl = typeof c.purl === 'string' ? parsePurl(c.purl) : undefined;
    if (!purl) continue;
    const version = c.version ?? purlVersion(purl);
    if (!version) continue;
    const pkg: InventoryPackage = { type: purl.type, name: c.name, version, locations: locations(c) };
    const group = c.group ?? (purl.type === 'maven' ? purl.namespace : undefined);
    if (group) pkg.namespace = group;
    const arch = props.get(P.arch) ?? purl.qualifiers.arch;
    if (arch) pkg.arch = arch;
    const sourceName = props.get(P.sourceName);
    if (sourceName) pkg.source = { name: sourceName, ...(props.get(P.sourceVersion) ? { version: props.get(P.sourceVersion)! } : {}) };
    const licenses = (c.licenses ?? []).map((l) => l?.license?.name).filter((n): n is string => typeof n === 'string');
    if (licenses.length) pkg.licenses = licenses;
    packages.push(pkg);
  }
  const meta = (bom.metadata ?? {}) as { properties?: CdxProperty[] };
  const warnings = (meta.properties ?? []).filter((p) => p?.name === P.warning).map((p) => p.value);
  return { ...(os ? { os } : {}), packages, warnings };
}

function propertyMap(props: CdxProperty[] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of props ?? []) if (p && typeof p.name === 'string' && typeof p.value === 'string' && !m.has(p.name)) m.set(p.name, p.value);
  return m;
}

function locations(c: CdxComponent): PackageLocation[] {
  return (c.evidence?.occurrences ?? [])
    .filter((o) => typeof o?.location === 'string')
    .map((o) => ({ path: o.location, ...(typeof o.additionalContext === 'string' ? { layerDigest: o.additionalContext } : {}) }));
}

function purlVersion(p: ReturnType<typeof parsePurl> & object): string | undefined {
  if (!p.version) return undefined;
  return p.type === 'rpm' && p.qualifiers.epoch ? `${p.qualifiers.epoch}:${p.version}` : p.version;
}
