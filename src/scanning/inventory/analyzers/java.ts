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
/** What `.` in a regular expression does not match. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

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
    // "key = value": the value is the rest, trimmed by hand (`(.*?)\s*$` backtracks quadratically
    // on a long run of spaces); like `.`, it may not hold a line terminator.
    const m = /^\s*([\w.-]+)\s*[=:]\s*/.exec(line);
    const value = m && line.slice(m[0].length).trimEnd();
    if (m && !LINE_TERMINATOR.test(value!) && !line.trimStart().startsWith('#')) props[m[1]!] = value!;
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
  const fromFile = nameAndVersion(fileName);
  return fromFile ? [{ type: 'maven', ...fromFile, ...extra }] : [];
}

/**
 * "name-1.2.3.jar" as /^(.+?)-(\d[\w.-]*)\.(?:jar|war|ear)$/i reads it, without its quadratic
 * backtracking on names like "-1-1-1…!": the name ends at the first "-<digit>" after which only
 * [\w.-] characters remain.
 */
function nameAndVersion(fileName: string): { name: string; version: string } | undefined {
  if (!NESTED.test(fileName)) return undefined;
  const base = fileName.slice(0, -4);
  let tail = base.length;
  while (tail > 0 && /[\w.-]/.test(base[tail - 1]!)) tail--;
  for (let i = Math.max(1, tail - 1); i + 1 < base.length; i++) {
    if (base[i] !== '-' || !/\d/.test(base[i + 1]!)) continue;
    const name = base.slice(0, i);
    return LINE_TERMINATOR.test(name) ? undefined : { name, version: base.slice(i + 1) };
  }
  return undefined;
}
