import type { Pattern, PatternPiece } from './wildcard.js';

/**
 * Policy variables (Version 2012-10-17 only): "${aws:username}", with an optional default
 * "${aws:username, 'nobody'}", and the escapes "${*}", "${?}", "${$}" for literal characters.
 * Substituted text is literal: a user named "a*" does not become a wildcard.
 */
export type ContextLookup = (key: string) => readonly string[] | undefined;

const VARIABLE = /\$\{([^}]*)\}/g;

/** Returns the pattern, or undefined when a variable has no value and no default (no match). */
export function substitute(text: string, lookup: ContextLookup, enabled: boolean): Pattern | undefined {
  if (!enabled || !text.includes('${')) return [{ text }];
  const pieces: PatternPiece[] = [];
  let last = 0;
  for (const m of text.matchAll(VARIABLE)) {
    if (m.index > last) pieces.push({ text: text.slice(last, m.index) });
    last = m.index + m[0].length;
    const inner = m[1]!.trim();
    if (inner === '*' || inner === '?' || inner === '$') {
      pieces.push({ text: inner, literal: true });
      continue;
    }
    const withDefault = /^([^,]+?)\s*,\s*'([^']*)'$/.exec(inner);
    const key = withDefault ? withDefault[1]!.trim() : inner;
    const values = lookup(key);
    // Only single-valued keys can be substituted.
    if (values !== undefined && values.length === 1) pieces.push({ text: values[0]!, literal: true });
    else if (withDefault) pieces.push({ text: withDefault[2]!, literal: true });
    else return undefined;
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });
  return pieces;
}

export const patternText = (p: Pattern): string => p.map((x) => x.text).join('');
