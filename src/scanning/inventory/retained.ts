import type { Artifact } from './artifacts.js';

/**
 * What the scan keeps from the files it parsed counts against `maxRetainedBytes`: parsers report
 * each package (and file path) they keep as they go, so a file that would produce millions of
 * packages fails the scan as soon as the budget is spent rather than after holding them all.
 * Sizes are estimates of the JavaScript objects: string lengths plus a fixed cost per object.
 */
export type Retain = (bytes: number) => void;

/** A package: an object or two with a handful of properties, beyond its strings (measured: ~200). */
export const PACKAGE_BYTES = 200;
/** A string in an array (an owned file path), beyond its characters. */
export const ENTRY_BYTES = 24;

/** The estimate for an artifact a content parser returned whole (JSON manifests, jars, rpmdb). */
export function artifactBytes(a: Artifact): number {
  switch (a.kind) {
    case 'dpkg-status':
    case 'apk-db':
    case 'rpm-db':
    case 'packages': {
      let n = 0;
      for (const p of a.packages as readonly object[]) n += objectBytes(p);
      return n;
    }
    case 'owned-files':
      return a.text.length;
    case 'os-release':
      return objectBytes(a.fields);
    default:
      return PACKAGE_BYTES;
  }
}

function objectBytes(value: object): number {
  let n = PACKAGE_BYTES;
  for (const v of Object.values(value)) {
    if (typeof v === 'string') n += v.length;
    else if (Array.isArray(v)) for (const e of v) n += ENTRY_BYTES + (typeof e === 'string' ? e.length : typeof e === 'object' && e ? objectBytes(e) : 0);
    else if (typeof v === 'object' && v) n += objectBytes(v);
  }
  return n;
}
