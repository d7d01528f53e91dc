import type { Artifact, DpkgPackage } from '../artifacts.js';
import { StanzaReader } from '../control-file.js';
import type { LineSink } from '../lines.js';
import { type Retain, PACKAGE_BYTES } from '../retained.js';

/** Installed states whose files are on disk ("config-files" and "not-installed" have none). */
const GONE = new Set(['not-installed', 'config-files']);
/** The fields a package is made of; others (Description, Depends, Conffiles…) are dropped as they stream past. */
const FIELDS = new Set(['Package', 'Version', 'Status', 'Architecture', 'Source']);
/** A real stanza is a few KiB at most once Description and the like are dropped. */
const MAX_STANZA_BYTES = 64 * 1024;

/**
 * var/lib/dpkg/status, or one file of status.d/ (distroless writes one stanza per package there,
 * without a Status field: those are installed by construction), read line by line.
 */
export function dpkgStatusReader(retain: Retain): LineSink<Artifact> {
  const packages: DpkgPackage[] = [];
  const stanzas = new StanzaReader(
    (s) => {
      const pkg = toPackage(s);
      if (!pkg) return;
      retain(PACKAGE_BYTES + pkg.name.length + pkg.version.length + (pkg.arch?.length ?? 0) + (pkg.source?.name.length ?? 0) + (pkg.source?.version?.length ?? 0));
      packages.push(pkg);
    },
    { wanted: FIELDS, maxStanzaBytes: MAX_STANZA_BYTES },
  );
  return {
    line: (text) => stanzas.line(text),
    end: () => {
      stanzas.end();
      return { kind: 'dpkg-status', packages };
    },
  };
}

function toPackage(s: Record<string, string>): DpkgPackage | undefined {
  const name = s.Package;
  const version = s.Version;
  if (!name || !version) return undefined;
  const state = s.Status?.split(/\s+/)[2];
  if (state && GONE.has(state)) return undefined;
  const pkg: DpkgPackage = { name, version };
  if (s.Architecture) pkg.arch = s.Architecture;
  if (state) pkg.status = state;
  // "Source: e2fsprogs (1.47.0-2)" names the source version when it differs from the binary's.
  const src = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(s.Source ?? '');
  pkg.source = src ? { name: src[1]!, version: src[2] ?? version } : { name, version };
  return pkg;
}

/**
 * var/lib/dpkg/info/<pkg>.list (one absolute path per line) or status.d/<pkg>.md5sums ("<md5>  <path>"),
 * kept as text and split only if some language package needs checking.
 */
export function dpkgFileListReader(format: 'list' | 'md5sums', retain: Retain): LineSink<Artifact> {
  const lines: string[] = [];
  return {
    line: (text) => {
      retain(text.length + 1);
      lines.push(text);
    },
    end: () => ({ kind: 'owned-files', format, text: lines.join('\n') }),
  };
}

export function ownedPaths(format: 'list' | 'md5sums', text: string): string[] {
  const files: string[] = [];
  for (const line of text.split('\n')) {
    if (format === 'list') {
      const p = line.trim().replace(/^\/+/, '');
      if (p && p !== '.') files.push(p);
    } else {
      const m = /^[0-9a-f]{32}\s+(.+)$/.exec(line.trim());
      if (m) files.push(m[1]!.replace(/^\/+/, ''));
    }
  }
  return files;
}
