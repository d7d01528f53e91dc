import type { Artifact } from './artifacts.js';
import { apkInstalledReader } from './analyzers/apk.js';
import { dpkgFileListReader, dpkgStatusReader } from './analyzers/dpkg.js';
import { scanGoBinary } from './analyzers/go-binary.js';
import { parseJavaArchive } from './analyzers/java.js';
import { parsePackageJson, parsePackageLock } from './analyzers/npm.js';
import { parseOsRelease, parseReleaseFile } from './analyzers/os-release.js';
import { pythonMetadataReader } from './analyzers/python.js';
import { parseRpmSqlite } from './analyzers/rpmdb.js';
import type { LineSink } from './lines.js';
import type { Retain } from './retained.js';

/**
 * Which files the scanner reads, and how. Everything else streams past unread, which is what keeps
 * a scan fast: a typical image has a few hundred interesting files among tens of thousands.
 * - `lines`: text databases, read line by line (never held whole, whatever their size); the sink
 *   reports what it keeps through `retain`;
 * - `text`: formats that need the whole file as text (JSON, os-release), up to `maxFileReadBytes`,
 *   decoded piece by piece into a string (no file-sized Buffer besides it);
 * - `content`: formats that need the whole file as bytes (zip, SQLite), up to `maxFileReadBytes`;
 * - `stream`: scanned in passing (Go build info in executables).
 */
export type FileReader =
  | { mode: 'lines'; sink: (retain: Retain) => LineSink<Artifact | undefined> }
  | { mode: 'text'; parse: (text: string) => Artifact | undefined }
  | { mode: 'content'; parse: (data: Buffer, path: string) => Artifact | undefined | Promise<Artifact | undefined> }
  | { mode: 'stream'; scan: (body: AsyncIterable<Buffer>, path: string, warn: (m: string) => void) => Promise<Artifact | undefined> };

const EXACT: Record<string, FileReader> = {
  'etc/os-release': { mode: 'text', parse: (parseOsRelease) },
  'usr/lib/os-release': { mode: 'text', parse: (parseOsRelease) },
  'etc/debian_version': { mode: 'text', parse: ((t) => parseReleaseFile('debian_version', t)) },
  'etc/alpine-release': { mode: 'text', parse: ((t) => parseReleaseFile('alpine-release', t)) },
  'var/lib/dpkg/status': { mode: 'lines', sink: dpkgStatusReader },
  'lib/apk/db/installed': { mode: 'lines', sink: apkInstalledReader },
  'usr/lib/apk/db/installed': { mode: 'lines', sink: apkInstalledReader },
  'var/lib/rpm/rpmdb.sqlite': { mode: 'content', parse: parseRpmSqlite },
  'usr/lib/sysimage/rpm/rpmdb.sqlite': { mode: 'content', parse: parseRpmSqlite },
};

const unsupportedRpmdb: FileReader = {
  mode: 'content',
  parse: (_d, path) => ({ kind: 'unsupported', message: `rpm database ${path} is in BerkeleyDB/NDB format; only the SQLite rpmdb is read` }),
};

const PATTERNS: [RegExp, FileReader][] = [
  [/^var\/lib\/dpkg\/info\/[^/]+\.list$/, { mode: 'lines', sink: (retain) => dpkgFileListReader('list', retain) }],
  [/^var\/lib\/dpkg\/status\.d\/[^/]+\.md5sums$/, { mode: 'lines', sink: (retain) => dpkgFileListReader('md5sums', retain) }],
  [/^var\/lib\/dpkg\/status\.d\/[^/]+$/, { mode: 'lines', sink: dpkgStatusReader }],
  [/^(?:var\/lib\/rpm\/Packages|(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/Packages\.db)$/, unsupportedRpmdb],
  [/(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/.@][^/]*\/package\.json$/, { mode: 'text', parse: (parsePackageJson) }],
  [/^(?:(?!.*(?:^|\/)node_modules\/).*\/)?package-lock\.json$/, { mode: 'text', parse: (parsePackageLock) }],
  [/\.dist-info\/METADATA$|\.egg-info\/PKG-INFO$|\.egg-info$|(?:^|\/)EGG-INFO\/PKG-INFO$/, { mode: 'lines', sink: pythonMetadataReader }],
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
