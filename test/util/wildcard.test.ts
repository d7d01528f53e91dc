import { describe, expect, it } from 'vitest';
import { seededRandom } from '../support/seeded-random.js';
import { compileGlob, findGlob, foldAsciiCase, matchGlob, matchGlobFromAny, wildcardMatch } from '../../src/util/wildcard.js';

describe('wildcardMatch', () => {
  it.each([
    ['', '', true],
    ['', 'a', false],
    ['*', '', true],
    ['*', 'a:b/c', true],
    ['a*', 'a', true],
    ['*a', 'ba', true],
    ['*a', 'ab', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a??', 'ab', false],
    ['?', '', false],
    ['**', 'x', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
    ['ab*ba', 'abba', true],
    ['a*a*a', 'aa', false],
    ['a*a*a', 'aaa', true],
    ['*?b?*', 'xxaby', true],
    ['*?b?*', 'ab', false],
    ['a.c', 'abc', false],
    ['(x)+', '(x)+', true],
    ['*test*1*2*3', 'my-test-3-1-2-3', true],
    ['*test*1*2*3', 'my-test-3-2-1', false],
  ])('%j matches %j: %s', (p, subject, expected) => {
    expect(wildcardMatch(p, subject)).toBe(expected);
  });

  it('treats "?" as a character when told to (ECR filters only know "*")', () => {
    expect(wildcardMatch('a?c', 'abc', { questionMark: false })).toBe(false);
    expect(wildcardMatch('a?c', 'a?c', { questionMark: false })).toBe(true);
    expect(wildcardMatch('*?', 'x?', { questionMark: false })).toBe(true);
  });

  it('matches literal pieces as text, wildcards and all', () => {
    expect(wildcardMatch([{ text: 'team/' }, { text: '*', literal: true }], 'team/app')).toBe(false);
    expect(wildcardMatch([{ text: 'team/' }, { text: '*', literal: true }], 'team/*')).toBe(true);
    expect(wildcardMatch([{ text: '*/' }, { text: 'a?', literal: true }, { text: '*' }], 'x/a?y')).toBe(true);
    expect(wildcardMatch([{ text: '*/' }, { text: 'a?', literal: true }, { text: '*' }], 'x/aby')).toBe(false);
  });

  it('folds ASCII case only, keeping lengths', () => {
    expect(wildcardMatch('ECR:Get*', 'ecr:getAuthorizationToken', { ignoreCase: true })).toBe(true);
    expect(wildcardMatch('ecr:get*', 'ECR:GET', { ignoreCase: true })).toBe(true);
    expect(wildcardMatch('ecr:get*', 'ECR:GET')).toBe(false);
    expect(foldAsciiCase('ÀBc-Ä')).toBe('Àbc-Ä');
  });
});

describe('findGlob', () => {
  const s = 'xxabyyabzz';
  it('finds the earliest-ending match inside a range, anchored or not', () => {
    expect(findGlob(compileGlob('ab'), s, 0, s.length, false, false)).toBe(4);
    expect(findGlob(compileGlob('ab'), s, 3, s.length, false, false)).toBe(8);
    expect(findGlob(compileGlob('ab'), s, 0, 5, false, false)).toBe(4);
    expect(findGlob(compileGlob('ab'), s, 0, 3, false, false)).toBe(-1);
    expect(findGlob(compileGlob('a*z'), s, 0, s.length, false, false)).toBe(9);
    expect(findGlob(compileGlob('x*b'), s, 0, s.length, true, false)).toBe(4);
    expect(findGlob(compileGlob('x*b'), s, 0, 7, true, true)).toBe(-1);
    expect(findGlob(compileGlob('*b'), s, 0, 8, false, true)).toBe(8);
    expect(findGlob(compileGlob('a?'), s, 5, s.length, false, false)).toBe(8);
    expect(findGlob(compileGlob(''), s, 3, 3, true, true)).toBe(3);
  });

  it('decides a match from any of several starts with one pass', () => {
    expect(matchGlobFromAny(compileGlob('b*z'), s, [0, 3, 4])).toBe(true);
    expect(matchGlobFromAny(compileGlob('abzz'), s, [2, 6])).toBe(true);
    expect(matchGlobFromAny(compileGlob('ab*y'), s, [2, 6])).toBe(false);
    expect(matchGlobFromAny(compileGlob('ab'), s, [])).toBe(false);
  });
});

/** The regular-expression definition of the same language, fine for short inputs. */
function reference(p: string, subject: string, questionMark: boolean): boolean {
  let source = '';
  for (const ch of p) source += ch === '*' ? '[\\s\\S]*' : ch === '?' && questionMark ? '[\\s\\S]' : ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  return new RegExp(`^${source}$`).test(subject);
}

describe('agreement with the regular-expression definition', () => {
  const { random, text } = seededRandom(20240611);

  it('agrees on 20,000 random patterns and subjects', () => {
    const disagreements: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const p = text('ab*?', 8);
      // Half the subjects are built from the pattern, so many of them match.
      const subject = random(2) ? text('ab?', 10) : [...p].map((ch) => (ch === '*' ? text('ab', 3) : ch === '?' ? 'ab'[random(2)] : ch)).join('');
      for (const questionMark of [true, false]) {
        if (matchGlob(compileGlob(p, { questionMark }), subject) !== reference(p, subject, questionMark)) disagreements.push(`${p} ${subject} ${questionMark}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
