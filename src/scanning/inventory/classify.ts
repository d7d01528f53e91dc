import type { Artifact } from './artifacts.js';
import { parseApkInstalled } from './analyzers/apk.js';
import { dpkgFileList, parseDpkgStatus } from './analyzers/dpkg.js';
import { scanGoBinary } from './analyzers/go-binary.js';
import { parseJavaArchive } from './analyzers/java.js';
import { parsePackageJson, parsePackageLock } from './analyzers/npm.js';
import { parseOsRelease, parseReleaseFile } from './analyzers/os-release.js';
import { parsePythonMetadata } from './analyzers/python.js';
import { parseRpmSqlite } from './analyzers/rpmdb.js';

/**
 * Which files the scanner reads, and how. Everything else streams past unread, which is what keeps
 * a scan fast: a typical image has a few hundred interesting files among tens of thousands.
 */
export type FileReader =
  | { mode: 'content'; parse: (data: Buffer, path: string) => Artifact | undefined | Promise<Artifact | undefined> }
  | { mode: 'stream'; scan: (body: AsyncIterable<Buffer>, path: string, warn: (m: string) => void) => Promise<Artifact | undefined> };

const text = (fn: (t: string) => Artifact | undefined) => (data: Buffer) => fn(data.toString('utf8'));

const EXACT: Record<string, FileReader> = {
  'etc/os-release': { mode: 'content', parse: text(parseOsRelease) },
  'usr/lib/os-release': { mode: 'content', parse: text(parseOsRelease) },
  'etc/debian_version': { mode: 'content', parse: text((t) => parseReleaseFile('debian_version', t)) },
  'etc/alpine-release': { mode: 'content', parse: text((t) => parseReleaseFile('alpine-release', t)) },
  'var/lib/dpkg/status': { mode: 'content', parse: text(parseDpkgStatus) },
  'lib/apk/db/installed': { mode: 'content', parse: text(parseApkInstalled) },
  'usr/lib/apk/db/installed': { mode: 'content', parse: text(parseApkInstalled) },
  'var/lib/rpm/rpmdb.sqlite': { mode: 'content', parse: parseRpmSqlite },
  'usr/lib/sysimage/rpm/rpmdb.sqlite': { mode: 'content', parse: parseRpmSqlite },
};

const unsupportedRpmdb: FileReader = {
  mode: 'content',
  parse: (_d, path) => ({ kind: 'unsupported', message: `rpm database ${path} is in BerkeleyDB/NDB format; only the SQLite rpmdb is read` }),
};

const PATTERNS: [RegExp, FileReader][] = [
  [/^var\/lib\/dpkg\/info\/[^/]+\.list$/, { mode: 'content', parse: text((t) => dpkgFileList('list', t)) }],
  [/^var\/lib\/dpkg\/status\.d\/[^/]+\.md5sums$/, { mode: 'content', parse: text((t) => dpkgFileList('md5sums', t)) }],
  [/^var\/lib\/dpkg\/status\.d\/[^/]+$/, { mode: 'content', parse: text(parseDpkgStatus) }],
  [/^(?:var\/lib\/rpm\/Packages|(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/Packages\.db)$/, unsupportedRpmdb],
  [/(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/.@][^/]*\/package\.json$/, { mode: 'content', parse: text(parsePackageJson) }],
  [/^(?:(?!.*(?:^|\/)node_modules\/).*\/)?package-lock\.json$/, { mode: 'content', parse: text(parsePackageLock) }],
  [/\.dist-info\/METADATA$|\.egg-info\/PKG-INFO$|\.egg-info$|(?:^|\/)EGG-INFO\/PKG-INFO$/, { mode: 'content', parse: text(parsePythonMetadata) }],
  [/\.(?:jar|war|ear)$/i, { mode: 'content', parse: (data, path) => parseJavaArchive(data, path.slice(path.lastIndexOf('/') + 1)) }],
];

const goBinary: FileReader = { mode: 'stream', scan: scanGoBinary };

/** The reader for a regular file, or undefined to stream it past. */
export function readerFor(path: string, mode: number, size: number): FileReader | undefined {
  const exact = EXACT[path];
  if (exact) return exact;
  for (const [re, reader] of PATTERNS) if (re.test(path)) return reader;
  // Executables may be Go binaries; the scanner gives up on non-ELF files after four bytes.
  if (mode & 0o111 && size >= 1024) return goBinary;
  return undefined;
}

/** Symlinks worth remembering: os-release is commonly a link to ../usr/lib/os-release. */
export function recordsSymlink(path: string): boolean {
  return path === 'etc/os-release';
}
