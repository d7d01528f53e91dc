/**
 * Glob matching as IAM does it: "*" is any run of characters, "?" exactly one. A pattern is a list
 * of pieces so that text substituted from a policy variable can be matched literally.
 */
export interface PatternPiece {
  text: string;
  /** Literal pieces (from variables) never act as wildcards. */
  literal?: boolean;
}

export type Pattern = readonly PatternPiece[];

export const pattern = (text: string): Pattern => [{ text }];

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(p: Pattern, star: (index: number, text: string) => string, one: string, flags: string): RegExp {
  let source = '';
  for (const piece of p) {
    if (piece.literal) {
      source += escapeRegex(piece.text);
      continue;
    }
    for (let i = 0; i < piece.text.length; i++) {
      const ch = piece.text[i]!;
      source += ch === '*' ? star(i, piece.text) : ch === '?' ? one : escapeRegex(ch);
    }
  }
  return new RegExp(`^${source}$`, flags);
}

const cache = new Map<string, RegExp>();
function cached(key: string, build: () => RegExp): RegExp {
  let re = cache.get(key);
  if (!re) {
    if (cache.size > 2048) cache.clear();
    re = build();
    cache.set(key, re);
  }
  return re;
}
const cacheKey = (kind: string, p: Pattern): string => `${kind}\u0000${p.map((x) => (x.literal ? '\u0001' : '\u0002') + x.text).join('\u0000')}`;

/** StringLike: case-sensitive, wildcards span anything. */
export function globMatch(p: Pattern, value: string, ignoreCase = false): boolean {
  return cached(cacheKey(ignoreCase ? 'gi' : 'g', p), () => compile(p, () => '[\\s\\S]*', '[\\s\\S]', ignoreCase ? 'i' : '')).test(value);
}

/** Action names: case-insensitive (IAM treats "ecr:batchgetimage" as "ecr:BatchGetImage"). */
export function actionMatch(patternText: string, action: string): boolean {
  return globMatch(pattern(patternText), action, true);
}

/**
 * The Resource element: case-sensitive; wildcards stay within one colon-separated segment of the
 * ARN, except a "*" that ends a segment, which may run past colons (IAM's documented rule), and
 * wildcards in the resource part, which may contain colons.
 */
export function resourceMatch(p: Pattern, arn: string): boolean {
  return cached(cacheKey('r', p), () => {
    let source = '';
    let colons = 0; // after the fifth colon comes the resource part
    for (const piece of p) {
      if (piece.literal) {
        source += escapeRegex(piece.text);
        colons += piece.text.split(':').length - 1;
        continue;
      }
      for (let i = 0; i < piece.text.length; i++) {
        const ch = piece.text[i]!;
        if (ch === ':') colons++;
        const inResourcePart = colons >= 5;
        const endsSegment = i + 1 === piece.text.length || piece.text[i + 1] === ':';
        if (ch === '*') source += inResourcePart || endsSegment ? '[\\s\\S]*' : '[^:]*';
        else if (ch === '?') source += inResourcePart ? '[\\s\\S]' : '[^:]';
        else source += escapeRegex(ch);
      }
    }
    return new RegExp(`^${source}$`);
  }).test(arn);
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
