import { RE2JS } from 're2js';

/**
 * The model's `pattern` traits are Java regular expressions that must match the whole value
 * (String.matches semantics). They run on caller input before authorization, and some would
 * backtrack exponentially in V8 (ScanningRepositoryFilterValue, `(?:[._\-/a-z0-9*]?[a-z0-9*]+)*`,
 * took 51 s on 27 characters), so they run on re2js, a port of RE2: time linear in the input,
 * whatever the pattern. This translates the Java-only syntax Berth can express in RE2, refuses
 * what it cannot (so a model update fails loudly instead of validating wrongly), and caches the
 * compiled pattern: each is compiled once per process.
 */

/** A compiled model pattern. */
export interface JavaPattern {
  /** Whether the whole value matches. */
  test(value: string): boolean;
}

const cache = new Map<string, JavaPattern>();

/** Java's \s (without UNICODE_CHARACTER_CLASS); RE2's lacks \x0B, JS's adds Unicode spaces. */
const JAVA_SPACE = ' \t\n\x0B\f\r';

/** Translates one Java pattern to RE2 source (without anchors); throws on unsupported syntax. */
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
      else if (next === 's') out += inClass ? JAVA_SPACE : `[${JAVA_SPACE}]`;
      else if (next === 'S' && !inClass) out += `[^${JAVA_SPACE}]`;
      else if (next === 'S') throw new Error(`\\S inside a character class is not supported: ${pattern}`);
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

/** Tests whether a whole value matches the Java pattern, in time linear in the value. */
export function compileJavaPattern(pattern: string): JavaPattern {
  let compiled = cache.get(pattern);
  if (!compiled) {
    const re2 = RE2JS.compile(translateJavaPattern(pattern));
    compiled = { test: (value) => re2.matches(value) };
    cache.set(pattern, compiled);
  }
  return compiled;
}
