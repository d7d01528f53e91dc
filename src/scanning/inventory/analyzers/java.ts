import { nextZipEntry, openZipBuffer, readZipEntry } from '../../zip.js';
import type { Artifact, FoundPackage } from '../artifacts.js';
import { parseStanzas } from '../control-file.js';

/**
 * Java archives (jar/war/ear): Maven coordinates from every META-INF/maven/<g>/<a>/pom.properties
 * (shaded jars carry several), else from META-INF/MANIFEST.MF, recursing one level into nested
 * archives (Spring Boot BOOT-INF/lib, WEB-INF/lib). The archive is parsed from memory; the caller
 * caps its size.
 */
const NESTED = /\.(jar|war|ear)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

export async function parseJavaArchive(bytes: Buffer, fileName: string): Promise<Artifact | undefined> {
  const packages = await archivePackages(bytes, fileName, undefined, 0);
  return packages.length ? { kind: 'packages', packages } : undefined;
}

async function archivePackages(bytes: Buffer, fileName: string, innerPath: string | undefined, depth: number): Promise<FoundPackage[]> {
  const zip = await openZipBuffer(bytes);
  const poms: FoundPackage[] = [];
  const nested: FoundPackage[] = [];
  let manifest: Record<string, string> | undefined;
  try {
    for (;;) {
      const entry = await nextZipEntry(zip);
      if (!entry) break;
      const name = entry.fileName;
      const isPom = POM_PROPERTIES.test(name);
      const isManifest = name === 'META-INF/MANIFEST.MF';
      const isNested = depth === 0 && NESTED.test(name);
      if ((!isPom && !isManifest && !isNested) || entry.uncompressedSize > MAX_ENTRY_BYTES) continue;
      const data = await readZipEntry(zip, entry, MAX_ENTRY_BYTES);
      if (isPom) {
        const p = pomPackage(data.toString('utf8'), innerPath);
        if (p) poms.push(p);
      } else if (isManifest) {
        manifest = parseStanzas(data.toString('utf8'))[0];
      } else {
        try {
          nested.push(...(await archivePackages(data, name.slice(name.lastIndexOf('/') + 1), name, depth + 1)));
        } catch {
          // A corrupt nested archive hides only its own packages.
        }
      }
    }
  } finally {
    zip.close();
  }
  const own = poms.length ? poms : manifestPackage(manifest, fileName, innerPath);
  return [...own, ...nested];
}

function pomPackage(text: string, innerPath: string | undefined): FoundPackage | undefined {
  const props: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([\w.-]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) props[m[1]!] = m[2]!;
  }
  if (!props.groupId || !props.artifactId || !props.version) return undefined;
  return { type: 'maven', namespace: props.groupId, name: props.artifactId, version: props.version, ...(innerPath ? { innerPath } : {}) };
}

/** Without pom.properties: the manifest's vendor id and title, else the "name-version.jar" file name. */
function manifestPackage(m: Record<string, string> | undefined, fileName: string, innerPath: string | undefined): FoundPackage[] {
  const version = m?.['Implementation-Version'] ?? m?.['Bundle-Version'];
  const name = m?.['Bundle-SymbolicName']?.split(';')[0]?.trim() ?? m?.['Implementation-Title'];
  const group = m?.['Implementation-Vendor-Id'];
  const extra = innerPath ? { innerPath } : {};
  if (name && version && !/\s/.test(name)) {
    return [{ type: 'maven', ...(group ? { namespace: group } : {}), name, version, ...extra }];
  }
  const fromFile = /^(.+?)-(\d[\w.-]*)\.(?:jar|war|ear)$/i.exec(fileName);
  return fromFile ? [{ type: 'maven', name: fromFile[1]!, version: fromFile[2]!, ...extra }] : [];
}
