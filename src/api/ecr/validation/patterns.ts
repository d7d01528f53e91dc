/**
 * The model's `pattern` traits are Java regular expressions that must match the whole value
 * (String.matches semantics). This translates the Java-only syntax Berth can express in JS,
 * refuses what it cannot (so a model update fails loudly instead of validating wrongly), anchors
 * the result, and caches it: each pattern is compiled once per process.
 */

const cache = new Map<string, RegExp>();

/** Translates one Java pattern to JS source (without anchors); throws on unsupported syntax. */
export function translateJavaPattern(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw new Error(`pattern ends with a lone backslash: ${pattern}`);
      i++;
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && (next === 'z' || next === 'Z')) out += '$';
      else if ('pPQEGhHRX'.includes(next)) throw new Error(`unsupported Java regex escape \\${next} in ${pattern}`);
      else out += `\\${next}`;
      continue;
    }
    if (inClass) {
      if (c === '[' || (c === '&' && pattern[i + 1] === '&')) {
        throw new Error(`Java character-class union/intersection is not supported: ${pattern}`);
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A leading ']' (or '^]') is a literal in Java; keep it escaped for JS.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?' && pattern[i + 2] === '>') {
      throw new Error(`atomic groups are not supported: ${pattern}`);
    }
    if ('*+?}'.includes(c) && pattern[i + 1] === '+') {
      throw new Error(`possessive quantifiers are not supported: ${pattern}`);
    }
    out += c;
  }
  if (inClass) throw new Error(`unterminated character class: ${pattern}`);
  return out;
}

/** A RegExp that tests whether a whole value matches the Java pattern. */
export function compileJavaPattern(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    // No 'u' flag: Java's syntax allows things like [0-9-_] that unicode mode rejects.
    re = new RegExp(`^(?:${translateJavaPattern(pattern)})$`);
    cache.set(pattern, re);
  }
  return re;
}
