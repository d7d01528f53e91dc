import type { Artifact, DpkgPackage } from '../artifacts.js';
import { parseStanzas } from '../control-file.js';

/** Installed states whose files are on disk ("config-files" and "not-installed" have none). */
const GONE = new Set(['not-installed', 'config-files']);

/**
 * var/lib/dpkg/status, or one file of status.d/ (distroless writes one stanza per package there,
 * without a Status field: those are installed by construction).
 */
export function parseDpkgStatus(text: string): Artifact {
  const packages: DpkgPackage[] = [];
  for (const s of parseStanzas(text)) {
    const name = s.Package;
    const version = s.Version;
    if (!name || !version) continue;
    const state = s.Status?.split(/\s+/)[2];
    if (state && GONE.has(state)) continue;
    const pkg: DpkgPackage = { name, version };
    if (s.Architecture) pkg.arch = s.Architecture;
    if (state) pkg.status = state;
    // "Source: e2fsprogs (1.47.0-2)" names the source version when it differs from the binary's.
    const src = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(s.Source ?? '');
    pkg.source = src ? { name: src[1]!, version: src[2] ?? version } : { name, version };
    packages.push(pkg);
  }
  return { kind: 'dpkg-status', packages };
}

/** var/lib/dpkg/info/<pkg>.list (one absolute path per line) or status.d/<pkg>.md5sums ("<md5>  <path>"). */
export function dpkgFileList(format: 'list' | 'md5sums', text: string): Artifact {
  return { kind: 'owned-files', format, text };
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
