import type { Pattern, PatternPiece } from './wildcard.js';

/**
 * Policy variables (Version 2012-10-17 only): "${aws:username}", with an optional default
 * "${aws:username, 'nobody'}", and the escapes "${*}", "${?}", "${$}" for literal characters.
 * Substituted text is literal: a user named "a*" does not become a wildcard.
 */
export type ContextLookup = (key: string) => readonly string[] | undefined;

/**
 * Finds "${…}" with indexOf, not a regular expression: /\$\{([^}]*)\}/g rescans the rest of the
 * text from every "${" that has no "}" after it, quadratic in a policy's length.
 */
function* variables(text: string): Generator<{ index: number; end: number; inner: string }> {
  for (let index = text.indexOf('${'); index !== -1; ) {
    const close = text.indexOf('}', index + 2);
    if (close === -1) return;
    yield { index, end: close + 1, inner: text.slice(index + 2, close) };
    index = text.indexOf('${', close + 1);
  }
}

/**
 * "key, 'default'": the key before the first comma, then a quoted default. Hand-written: the
 * equivalent /^([^,]+?)\s*,\s*'([^']*)'$/ backtracks quadratically on a long run of spaces.
 */
function withDefault(inner: string): { key: string; fallback: string } | undefined {
  const comma = inner.indexOf(',');
  if (comma < 1) return undefined;
  const quoted = inner.slice(comma + 1).trimStart();
  if (quoted.length < 2 || !quoted.startsWith("'") || !quoted.endsWith("'") || quoted.slice(1, -1).includes("'")) return undefined;
  return { key: inner.slice(0, comma).trim(), fallback: quoted.slice(1, -1) };
}

/** Returns the pattern, or undefined when a variable has no value and no default (no match). */
export function substitute(text: string, lookup: ContextLookup, enabled: boolean): Pattern | undefined {
  if (!enabled || !text.includes('${')) return [{ text }];
  const pieces: PatternPiece[] = [];
  let last = 0;
  for (const m of variables(text)) {
    if (m.index > last) pieces.push({ text: text.slice(last, m.index) });
    last = m.end;
    const inner = m.inner.trim();
    if (inner === '*' || inner === '?' || inner === '$') {
      pieces.push({ text: inner, literal: true });
      continue;
    }
    const dflt = withDefault(inner);
    const values = lookup(dflt ? dflt.key : inner);
    // Only single-valued keys can be substituted.
    if (values !== undefined && values.length === 1) pieces.push({ text: values[0]!, literal: true });
    else if (dflt) pieces.push({ text: dflt.fallback, literal: true });
    else return undefined;
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });
  return pieces;
}

export const patternText = (p: Pattern): string => p.map((x) => x.text).join('');
