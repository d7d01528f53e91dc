/**
 * Wildcard (glob) matching without regular expressions, for patterns that callers write: IAM's
 * Action, Resource and StringLike patterns, ECR's scan filters, tag-mutability exclusion filters
 * and lifecycle tag patterns. `*` stands for any run of characters (possibly empty), `?` (where
 * enabled) for exactly one UTF-16 code unit; every other character stands for itself.
 *
 * Algorithm: the pattern is cut at its `*`s into segments S0 * S1 * … * Sk, each of fixed length.
 * S0 is placed at the start (or, unanchored, at its leftmost occurrence), then each Si at its
 * leftmost occurrence after the end of Si-1, and Sk at the end (or leftmost). This is exact, and
 * yields the earliest possible end: by induction, in any match the end of Si lies at or after
 * where the greedy placement ends it, since the greedy one had that occurrence to choose from; so
 * if any match exists, each greedy step finds a candidate and Sk still fits after Sk-1.
 *
 * Cost: the searches for S0…Sk scan disjoint, consecutive stretches of the subject (each starts
 * where the previous segment ended), so every subject position is a candidate start for at most
 * one segment. A segment without `?` is found with indexOf (V8's substring search: linear in the
 * text it scans when looking for a first occurrence); a segment with `?` is found by searching
 * for its first literal run and comparing the rest, at most L characters per candidate. Total:
 * O(m + n) for patterns without `?`, O(m + n·L) with them, where n is the subject's length, m the
 * pattern's and L the longest `*`-free stretch holding a `?`. Nothing ever backtracks past a `*`.
 */

export interface PatternPiece {
  text: string;
  /** Literal pieces (text substituted from a policy variable) never act as wildcards. */
  literal?: boolean;
}

/** A pattern as pieces, so substituted text can be matched literally. */
export type Pattern = readonly PatternPiece[];

export const pattern = (text: string): Pattern => [{ text }];

export interface GlobOptions {
  /** Whether `?` stands for one character (IAM) or for itself (ECR's filters, which only know `*`). */
  questionMark?: boolean;
}

/** A `*`-free stretch of a pattern: its length, and the literal runs between its `?`s. */
interface Segment {
  readonly length: number;
  readonly runs: readonly { readonly offset: number; readonly text: string }[];
  /** The whole segment, when it has no `?`. */
  readonly plain: string | undefined;
}

/** A compiled pattern: segments.length - 1 is the number of `*`s. */
export interface Glob {
  readonly segments: readonly Segment[];
}

export function compileGlob(p: string | Pattern, options: GlobOptions = {}): Glob {
  const questionMark = options.questionMark ?? true;
  const segments: Segment[] = [];
  let runs: { offset: number; text: string }[] = [];
  let run = '';
  let length = 0;
  const endRun = () => {
    if (run !== '') runs.push({ offset: length - run.length, text: run });
    run = '';
  };
  const endSegment = () => {
    endRun();
    const whole = runs.length === 1 && runs[0]!.text.length === length;
    const plain = length === 0 ? '' : whole ? runs[0]!.text : undefined;
    segments.push({ length, runs, plain });
    runs = [];
    length = 0;
  };
  for (const piece of typeof p === 'string' ? [{ text: p }] : p) {
    for (let i = 0; i < piece.text.length; i++) {
      const ch = piece.text[i]!;
      if (!piece.literal && ch === '*') endSegment();
      else if (!piece.literal && questionMark && ch === '?') {
        endRun();
        length++;
      } else {
        run += ch;
        length++;
      }
    }
  }
  endSegment();
  return { segments };
}

function segmentAt(segment: Segment, s: string, at: number): boolean {
  if (segment.plain !== undefined) return s.startsWith(segment.plain, at);
  for (const run of segment.runs) if (!s.startsWith(run.text, at + run.offset)) return false;
  return true;
}

/** The leftmost start in [from, last] where the segment occurs, or -1. */
function findSegment(segment: Segment, s: string, from: number, last: number): number {
  if (from > last) return -1;
  if (segment.plain !== undefined) {
    const at = s.indexOf(segment.plain, from);
    return at !== -1 && at <= last ? at : -1;
  }
  const first = segment.runs[0];
  if (!first) return from; // only `?`s
  for (let at = s.indexOf(first.text, from + first.offset) - first.offset; at >= from && at <= last; ) {
    if (segmentAt(segment, s, at)) return at;
    at = s.indexOf(first.text, at + first.offset + 1) - first.offset;
  }
  return -1;
}

/**
 * Where the earliest-ending match of the glob within s[from, to) ends, or -1: starting exactly
 * at `from` when anchoredStart, else anywhere; ending exactly at `to` when anchoredEnd.
 */
export function findGlob(glob: Glob, s: string, from: number, to: number, anchoredStart: boolean, anchoredEnd: boolean): number {
  const { segments } = glob;
  const head = segments[0]!;
  const k = segments.length - 1;
  if (k === 0) {
    if (anchoredStart) return (anchoredEnd ? from + head.length === to : from + head.length <= to) && segmentAt(head, s, from) ? from + head.length : -1;
    if (anchoredEnd) return to - head.length >= from && segmentAt(head, s, to - head.length) ? to : -1;
    const at = findSegment(head, s, from, to - head.length);
    return at === -1 ? -1 : at + head.length;
  }
  const tail = segments[k]!;
  // With the end anchored, the tail's place is fixed and nothing before it may reach past it.
  const limit = anchoredEnd ? to - tail.length : to;
  let pos: number;
  if (anchoredStart) {
    if (from + head.length > limit || !segmentAt(head, s, from)) return -1;
    pos = from + head.length;
  } else {
    const at = findSegment(head, s, from, limit - head.length);
    if (at === -1) return -1;
    pos = at + head.length;
  }
  for (let i = 1; i < k; i++) {
    const segment = segments[i]!;
    const at = findSegment(segment, s, pos, limit - segment.length);
    if (at === -1) return -1;
    pos = at + segment.length;
  }
  if (anchoredEnd) return limit >= pos && segmentAt(tail, s, limit) ? to : -1;
  const at = findSegment(tail, s, pos, to - tail.length);
  return at === -1 ? -1 : at + tail.length;
}

/** Whether the whole subject matches the glob. */
export function matchGlob(glob: Glob, subject: string): boolean {
  return findGlob(glob, subject, 0, subject.length, true, true) !== -1;
}

/** ASCII letters to lower case, nothing else: the length and every other character stay. */
export function foldAsciiCase(s: string): string {
  let out = '';
  let copied = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      out += s.slice(copied, i) + String.fromCharCode(c + 32);
      copied = i + 1;
    }
  }
  return copied === 0 ? s : out + s.slice(copied);
}

/**
 * Whether the whole subject matches the pattern. ignoreCase compares ASCII letters without case
 * (what IAM does for action names, which are ASCII).
 */
export function wildcardMatch(p: string | Pattern, subject: string, options: GlobOptions & { ignoreCase?: boolean } = {}): boolean {
  if (!options.ignoreCase) return matchGlob(compileGlob(p, options), subject);
  const folded = typeof p === 'string' ? foldAsciiCase(p) : p.map((piece) => ({ ...piece, text: foldAsciiCase(piece.text) }));
  return matchGlob(compileGlob(folded, options), foldAsciiCase(subject));
}

/**
 * Whether s[x, s.length) matches the glob for some x among `starts` (ascending). With a `*` in
 * the glob, the first x where its first segment fits decides: the rest, `* S1 * … * Sk`, fits
 * after a later start only if it fits after an earlier one. So this costs one match, not one per x.
 */
export function matchGlobFromAny(glob: Glob, s: string, starts: readonly number[]): boolean {
  const head = glob.segments[0]!;
  for (const x of starts) {
    if (x + head.length > s.length || !segmentAt(head, s, x)) continue;
    if (findGlob(glob, s, x, s.length, true, true) !== -1) return true;
    if (glob.segments.length > 1) return false;
  }
  return false;
}
