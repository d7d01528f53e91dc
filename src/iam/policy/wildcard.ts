import {
  compileGlob,
  findGlob,
  type Glob,
  matchGlob,
  matchGlobFromAny,
  type Pattern,
  type PatternPiece,
  wildcardMatch,
} from '../../util/wildcard.js';

/**
 * Glob matching as IAM does it: "*" is any run of characters, "?" exactly one. A pattern is a list
 * of pieces so that text substituted from a policy variable can be matched literally. The matching
 * itself is src/util/wildcard.ts (no regular expressions, no backtracking).
 */
export { pattern, type Pattern, type PatternPiece } from '../../util/wildcard.js';

/** StringLike: case-sensitive, wildcards span anything. */
export function globMatch(p: Pattern, value: string, ignoreCase = false): boolean {
  return wildcardMatch(p, value, { ignoreCase });
}

/** Action names: case-insensitive (IAM treats "ecr:batchgetimage" as "ecr:BatchGetImage"). */
export function actionMatch(patternText: string, action: string): boolean {
  return wildcardMatch(patternText, action, { ignoreCase: true });
}

/**
 * A Resource pattern cut where IAM's rule needs it. The rule: case-sensitive; wildcards stay
 * within one colon-separated segment of the ARN, except a "*" that ends a segment (next to a
 * colon or at the end of the pattern's text), which may run past colons, and wildcards in the
 * resource part (after the fifth colon), which may span anything.
 *
 * So the pattern's first five colons split it into regions R0…R4 and the rest. A region's
 * segment-ending stars ("crossing" stars) split it into parts; every other wildcard in it stays
 * inside one field of the ARN (the text between two colons), where it is an ordinary wildcard.
 */
interface ResourceGlob {
  /** Regions before the fifth colon, each as its parts between crossing stars. */
  regions: Glob[][];
  /** After the fifth colon, when the pattern has five. */
  rest: Glob | undefined;
}

function compileResource(p: Pattern): ResourceGlob {
  const regions: Glob[][] = [];
  let parts: Glob[] = [];
  let part: PatternPiece[] = [];
  let rest: PatternPiece[] | undefined;
  const add = (text: string, literal: boolean | undefined) => {
    if (text !== '') (rest ?? part).push({ text, literal });
  };
  const endPart = () => {
    parts.push(compileGlob(part));
    part = [];
  };
  for (const piece of p) {
    let from = 0;
    for (let i = 0; i < piece.text.length && !rest; i++) {
      const ch = piece.text[i]!;
      const crossing = ch === '*' && !piece.literal && (i + 1 === piece.text.length || piece.text[i + 1] === ':');
      if (ch !== ':' && !crossing) continue;
      add(piece.text.slice(from, i), piece.literal);
      from = i + 1;
      endPart();
      if (ch === ':') {
        regions.push(parts);
        parts = [];
        if (regions.length === 5) rest = [];
      }
    }
    add(piece.text.slice(from), piece.literal);
  }
  if (rest) return { regions, rest: compileGlob(rest) };
  endPart();
  regions.push(parts);
  return { regions, rest: undefined };
}

/**
 * Matches region by region over the ARN's fields, keeping the fields where the next region may
 * start. A region without crossing stars must match one whole field. One with crossing stars
 * starts with a prefix of a field, places each middle part at its earliest end inside some later
 * field (earliest is never worse: the crossing star after it absorbs any gap), and ends with a
 * suffix of any field from there on. Each of the (at most five) regions reads each field a
 * bounded number of times, so the whole costs a small multiple of one linear match over the ARN.
 */
function matchResource(g: ResourceGlob, arn: string): boolean {
  const fields = arn.split(':');
  const last = fields.length - 1;
  let reach = [0];
  for (let r = 0; r < g.regions.length; r++) {
    const parts = g.regions[r]!;
    const final = !g.rest && r === g.regions.length - 1;
    // Fields where this region can end: the final region must end the ARN.
    const ending = parts.length === 1 ? reach.filter((f) => matchGlob(parts[0]!, fields[f]!)) : crossingEnds(parts, fields, reach);
    if (final) return ending.includes(last);
    reach = ending.filter((f) => f < last).map((f) => f + 1);
    if (reach.length === 0) return false;
  }
  const offsets = [0];
  for (const field of fields) offsets.push(offsets[offsets.length - 1]! + field.length + 1);
  return matchGlobFromAny(g.rest!, arn, reach.map((f) => offsets[f]!));
}

/** The fields where a region with crossing stars can end, when it starts at one of `starts`. */
function crossingEnds(parts: readonly Glob[], fields: readonly string[], starts: readonly number[]): number[] {
  // The first start where the head fits a field's beginning: later ones only end it later.
  let f = -1;
  let offset = -1;
  for (const x of starts) {
    offset = findGlob(parts[0]!, fields[x]!, 0, fields[x]!.length, true, false);
    if (offset !== -1) {
      f = x;
      break;
    }
  }
  if (f === -1) return [];
  for (let i = 1; i < parts.length - 1; i++) {
    const within = (x: number, from: number) => findGlob(parts[i]!, fields[x]!, from, fields[x]!.length, false, false);
    let end = within(f, offset);
    while (end === -1 && ++f < fields.length) end = within(f, 0);
    if (end === -1) return [];
    offset = end;
  }
  const tail = parts[parts.length - 1]!;
  const ends: number[] = [];
  for (let x = f; x < fields.length; x++) {
    if (findGlob(tail, fields[x]!, x === f ? offset : 0, fields[x]!.length, false, true) !== -1) ends.push(x);
  }
  return ends;
}

/** The Resource element (see ResourceGlob for IAM's rule). */
export function resourceMatch(p: Pattern, arn: string): boolean {
  return matchResource(compileResource(p), arn);
}

/** ArnLike/ArnEquals: the six colon-separated components are matched one by one. */
export function arnMatch(p: Pattern, value: string): boolean {
  if (p.length === 1 && !p[0]!.literal && p[0]!.text === '*') return true;
  const valueParts = splitArn(value);
  const patternParts = splitArnPattern(p);
  if (!valueParts || !patternParts) return false;
  return patternParts.every((part, i) => globMatch(part, valueParts[i]!));
}

function splitArn(value: string): string[] | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Splits a pattern into six component patterns, cutting only at colons of non-literal text. */
function splitArnPattern(p: Pattern): Pattern[] | undefined {
  const parts: PatternPiece[][] = [[]];
  for (const piece of p) {
    if (piece.literal || parts.length === 6) {
      parts[parts.length - 1]!.push(piece);
      continue;
    }
    const chunks = piece.text.split(':');
    chunks.forEach((chunk, i) => {
      if (i > 0) {
        if (parts.length < 6) parts.push([]);
        else {
          parts[5]!.push({ text: ':' });
        }
      }
      if (chunk !== '') parts[parts.length - 1]!.push({ text: chunk });
    });
  }
  return parts.length === 6 ? parts : undefined;
}
