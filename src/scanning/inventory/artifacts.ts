import type { InventoryPackage } from '../types.js';

/**
 * What the scanner keeps from a file it read: parsed facts, not bytes. Artifacts live in the merged
 * view keyed by path, so a whiteout or an overwrite in a later layer removes them.
 */
export interface DpkgPackage {
  name: string;
  version: string;
  arch?: string;
  source?: { name: string; version?: string };
  status?: string;
}

export interface ApkPackage {
  name: string;
  version: string;
  arch?: string;
  origin?: string;
  license?: string;
  files: string[];
}

export interface RpmPackage {
  name: string;
  /** "[epoch:]version-release" */
  version: string;
  arch?: string;
  source?: { name: string; version?: string };
  license?: string;
  files: string[];
}

/** A language package found in a file; `innerPath` locates it inside an archive (nested jar). */
export type FoundPackage = Omit<InventoryPackage, 'locations'> & { innerPath?: string };

export type Artifact =
  | { kind: 'os-release'; fields: Record<string, string> }
  | { kind: 'release-file'; file: 'debian_version' | 'alpine-release'; value: string }
  | { kind: 'dpkg-status'; packages: DpkgPackage[] }
  /** A package's file list, kept as text and split only if some language package needs checking. */
  | { kind: 'owned-files'; format: 'list' | 'md5sums'; text: string }
  | { kind: 'apk-db'; packages: ApkPackage[] }
  | { kind: 'rpm-db'; packages: RpmPackage[] }
  | { kind: 'packages'; packages: FoundPackage[] }
  | { kind: 'symlink'; target: string }
  /** A file Berth recognises but cannot read (e.g. a BerkeleyDB rpmdb): becomes a warning if it survives. */
  | { kind: 'unsupported'; message: string };
