import type { VersionComparator } from './comparator.js';

/**
 * Alpine apk version ordering, a port of apk-tools' src/version.c (Gentoo-style versions:
 * digits{.digits}[letter]{_suffix[n]}[-r<n>]). Hand-written because no maintained npm package
 * implements it; the token state machine below mirrors apk-tools so its test data applies unchanged.
 */
const enum T {
  Invalid = -1,
  DigitOrZero = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNo = 4,
  RevisionNo = 5,
  End = 6,
}

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';

class Cursor {
  pos = 0;
  type: T = T.Digit;
  constructor(readonly s: string) {}
  get len(): number {
    return this.s.length - this.pos;
  }
}

function nextToken(c: Cursor): void {
  let n = T.Invalid;
  const ch = c.s[c.pos];
  if (c.len === 0 || ch === '\0') {
    n = T.End;
  } else if ((c.type === T.Digit || c.type === T.DigitOrZero) && isLower(ch)) {
    n = T.Letter;
  } else if (c.type === T.Letter && isDigit(ch)) {
    n = T.Digit;
  } else if (c.type === T.Suffix && isDigit(ch)) {
    n = T.SuffixNo;
  } else {
    if (ch === '.') n = T.DigitOrZero;
    else if (ch === '_') n = T.Suffix;
    else if (ch === '-') {
      if (c.len > 1 && c.s[c.pos + 1] === 'r') {
        n = T.RevisionNo;
        c.pos++;
      }
    }
    c.pos++;
  }
  if (n < c.type) {
    const allowed =
      (n === T.DigitOrZero && c.type === T.Digit) ||
      (n === T.Suffix && c.type === T.SuffixNo) ||
      (n === T.Digit && c.type === T.Letter);
    if (!allowed) n = T.Invalid;
  }
  c.type = n;
}

function getToken(c: Cursor): number {
  if (c.len <= 0) {
    c.type = T.End;
    return 0;
  }
  let i = 0;
  let v = 0;
  let nt = T.Invalid;
  const at = (k: number): string | undefined => c.s[c.pos + k];
  // Leading zeros sort below any plain number ("1.01" < "1.1"); otherwise a '.' part is a number.
  const type = c.type === T.DigitOrZero && at(0) !== '0' ? T.Digit : c.type;
  switch (type) {
    case T.DigitOrZero:
      while (i < c.len && at(i) === '0') i++;
      nt = T.Digit;
      v = -i;
      break;
    case T.Digit:
    case T.SuffixNo:
    case T.RevisionNo:
      while (i < c.len && isDigit(at(i))) {
        v = v * 10 + (c.s.charCodeAt(c.pos + i) - 48);
        i++;
      }
      if (i >= 18) {
        c.type = T.Invalid;
        return -1;
      }
      break;
    case T.Letter:
      v = c.s.charCodeAt(c.pos);
      i = 1;
      break;
    case T.Suffix: {
      const rest = c.s.slice(c.pos);
      const pre = PRE_SUFFIXES.findIndex((s) => rest.startsWith(s));
      if (pre >= 0) {
        v = pre - PRE_SUFFIXES.length;
        i = PRE_SUFFIXES[pre]!.length;
        break;
      }
      const post = POST_SUFFIXES.findIndex((s) => rest.startsWith(s));
      if (post >= 0) {
        v = post;
        i = POST_SUFFIXES[post]!.length;
        break;
      }
      c.type = T.Invalid;
      return -1;
    }
    default:
      c.type = T.Invalid;
      return -1;
  }
  c.pos += i;
  if (c.len === 0) c.type = T.End;
  else if (nt !== T.Invalid) c.type = nt;
  else nextToken(c);
  return v;
}

export function compareApkVersions(a: string, b: string): number {
  const ca = new Cursor(a);
  const cb = new Cursor(b);
  let av = 0;
  let bv = 0;
  while (ca.type === cb.type && ca.type !== T.End && ca.type !== T.Invalid && av === bv) {
    av = getToken(ca);
    bv = getToken(cb);
  }
  if (av < bv) return -1;
  if (av > bv) return 1;
  const ta = ca.type;
  const tb = cb.type;
  if (ta === tb) return 0;
  // Equal so far: the longer version is newer unless what follows is a pre-release suffix.
  if (ta === T.Suffix && getToken(ca) < 0) return -1;
  if (tb === T.Suffix && getToken(cb) < 0) return 1;
  if (ta > tb) return -1;
  if (tb > ta) return 1;
  return 0;
}

export function isValidApkVersion(version: string): boolean {
  const c = new Cursor(version);
  while (c.type !== T.End && c.type !== T.Invalid) getToken(c);
  return c.type === T.End;
}

export const apkComparator: VersionComparator = {
  scheme: 'apk',
  compare: compareApkVersions,
  isValid: isValidApkVersion,
};
