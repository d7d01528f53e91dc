import { sign, type VersionComparator } from './comparator.js';

/**
 * RPM ordering: rpmvercmp() segment comparison (with '~' pre-release and '^' post-release
 * markers, rpm ≥ 4.15) applied to epoch, version and release in turn. Hand-written because no
 * maintained npm package implements rpmvercmp; the algorithm is rpm's lib/rpmvercmp.c.
 */
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isAlnum = (c: string): boolean => isDigit(c) || isAlpha(c);

export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]!) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]!) && b[j] !== '~' && b[j] !== '^') j++;
    const ca = a[i] ?? '';
    const cb = b[j] ?? '';
    if (ca === '~' || cb === '~') {
      if (ca !== '~') return 1;
      if (cb !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (ca === '^' || cb === '^') {
      if (ca === '') return -1;
      if (cb === '') return 1;
      if (ca !== '^') return 1;
      if (cb !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (ca === '' || cb === '') break;
    const si = i;
    const sj = j;
    const numeric = isDigit(ca);
    const inSegment = numeric ? isDigit : isAlpha;
    while (i < a.length && inSegment(a[i]!)) i++;
    while (j < b.length && inSegment(b[j]!)) j++;
    // A numeric segment is newer than an alphabetic one.
    if (j === sj) return numeric ? 1 : -1;
    let sa = a.slice(si, i);
    let sb = b.slice(sj, j);
    if (numeric) {
      sa = sa.replace(/^0+/, '');
      sb = sb.replace(/^0+/, '');
      if (sa.length !== sb.length) return sa.length > sb.length ? 1 : -1;
    }
    if (sa !== sb) return sa < sb ? -1 : 1;
  }
  const restA = i < a.length;
  const restB = j < b.length;
  if (!restA && !restB) return 0;
  return restA ? 1 : -1;
}

export interface Evr {
  epoch: number;
  version: string;
  release?: string;
}

/** "[epoch:]version[-release]"; the release starts at the last '-'. */
export function parseEvr(evr: string): Evr {
  let rest = evr.trim();
  let epoch = 0;
  const colon = rest.indexOf(':');
  if (colon > 0 && /^\d+$/.test(rest.slice(0, colon))) {
    epoch = Number(rest.slice(0, colon));
    rest = rest.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  if (dash > 0) return { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
  return { epoch, version: rest };
}

export function compareRpmVersions(a: string, b: string): number {
  const ea = parseEvr(a);
  const eb = parseEvr(b);
  if (ea.epoch !== eb.epoch) return ea.epoch < eb.epoch ? -1 : 1;
  const v = rpmvercmp(ea.version, eb.version);
  if (v !== 0) return v;
  // rpm treats a missing release as "any release" when matching dependencies; for ordering we keep
  // the version-only form below every release of the same version.
  if (ea.release === undefined && eb.release === undefined) return 0;
  if (ea.release === undefined) return -1;
  if (eb.release === undefined) return 1;
  return sign(rpmvercmp(ea.release, eb.release));
}

export const rpmComparator: VersionComparator = {
  scheme: 'rpm',
  compare: compareRpmVersions,
  isValid: (version) => version.trim() !== '' && !/\s/.test(version.trim()),
};
