import { describe, expect, it } from 'vitest';
import { parseArn, parseRepositoryArn, repositoryArn, userArn } from '../../../src/iam/policy/index.js';
import { seededRandom } from '../../support/seeded-random.js';
import { actionMatch, arnMatch, globMatch, type Pattern, pattern, resourceMatch } from '../../../src/iam/policy/wildcard.js';

const repo = 'arn:aws:ecr:us-east-1:111122223333:repository/team/app';

describe('wildcards', () => {
  it.each([
    ['*', '', true],
    ['a*', 'a', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a*c', 'a/b:c', true],
    ['a.c', 'abc', false],
    ['(x)+', '(x)+', true],
  ])('globMatch(%j, %j) is %s', (p, v, expected) => {
    expect(globMatch(pattern(p), v)).toBe(expected);
  });

  it('treats literal pieces (substituted variables) as plain text', () => {
    expect(globMatch([{ text: 'team/' }, { text: '*', literal: true }], 'team/app')).toBe(false);
    expect(globMatch([{ text: 'team/' }, { text: '*', literal: true }], 'team/*')).toBe(true);
  });

  it('matches actions case-insensitively', () => {
    expect(actionMatch('ecr:batchgetimage', 'ecr:BatchGetImage')).toBe(true);
    expect(actionMatch('ECR:*', 'ecr:PutImage')).toBe(true);
    expect(actionMatch('ecr:Put*', 'ecr:BatchGetImage')).toBe(false);
  });

  it.each([
    ['*', true],
    [repo, true],
    ['arn:aws:ecr:us-east-1:111122223333:repository/*', true],
    ['arn:aws:ecr:*:111122223333:repository/team/*', true],
    ['arn:aws:ecr:us-*-1:111122223333:repository/team/app', true],
    ['arn:aws:ecr:*', true],
    ['arn:aws:ecr:us-east-1:111122223333:repository/Team/*', false],
    ['arn:aws:ecr:us-east-1:444455556666:repository/*', false],
    // a "*" inside a segment does not reach across colons
    ['arn:aws:e*1:111122223333:repository/team/app', false],
    ['arn:aws:ecr:us-east-1:111122223333:repository/team/ap?', true],
    // a "*" that ends a segment runs past colons; "?" never does before the resource part
    ['arn:aws:e*:111122223333:repository/team/app', true],
    ['arn:*:111122223333:repository/team/app', true],
    ['arn:aws:ecr:us-*:repository/team/app', true],
    ['arn:aws:ecr:us-east-1:*3333:repository/team/app', true],
    ['arn:aws:ecr:us-east-1?111122223333:repository/team/app', false],
    ['arn:aws:ecr:us-east-1:111122223333:repository?team/app', true],
  ])('resource pattern %s matches the repository: %s', (p, expected) => {
    expect(resourceMatch(pattern(p), repo)).toBe(expected);
  });

  it('compares ARN condition values component by component', () => {
    expect(arnMatch(pattern('arn:aws:iam::*:user/*'), userArn('111122223333', 'alice'))).toBe(true);
    expect(arnMatch(pattern('arn:aws:iam::111122223333:*'), userArn('111122223333', 'alice'))).toBe(true);
    expect(arnMatch(pattern('arn:aws:iam::111122223333:user/*'), 'arn:aws:iam::111122223333:role/admin')).toBe(false);
    expect(arnMatch(pattern('*'), 'anything')).toBe(true);
  });
});

describe('ARNs', () => {
  it('build and parse repository ARNs', () => {
    expect(repositoryArn('us-east-1', '111122223333', 'team/app')).toBe(repo);
    expect(parseRepositoryArn(repo)).toEqual({ region: 'us-east-1', accountId: '111122223333', repositoryName: 'team/app' });
    expect(parseRepositoryArn('arn:aws:ecr:us-east-1:111122223333:registry')).toBeUndefined();
    expect(parseRepositoryArn('arn:aws:s3:::bucket')).toBeUndefined();
    expect(parseArn('arn:aws:iam::111122223333:user/a:b')).toEqual({
      partition: 'aws',
      service: 'iam',
      region: '',
      account: '111122223333',
      resource: 'user/a:b',
    });
    expect(parseArn('not-an-arn')).toBeUndefined();
    expect(userArn('111122223333', 'alice', '/ops/')).toBe('arn:aws:iam::111122223333:user/ops/alice');
  });
});

/**
 * The regular-expression definition the matcher replaced (IAM's rules written as a regex, which
 * backtracks exponentially on hostile input): fine as a reference on short random inputs.
 */
function referenceRegex(p: Pattern, resource: boolean): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let source = '';
  let colons = 0;
  for (const piece of p) {
    if (piece.literal) {
      source += escape(piece.text);
      colons += piece.text.split(':').length - 1;
      continue;
    }
    for (let i = 0; i < piece.text.length; i++) {
      const ch = piece.text[i]!;
      if (ch === ':') colons++;
      const crossing = !resource || colons >= 5 || i + 1 === piece.text.length || piece.text[i + 1] === ':';
      if (ch === '*') source += crossing ? '[\\s\\S]*' : '[^:]*';
      else if (ch === '?') source += !resource || colons >= 5 ? '[\\s\\S]' : '[^:]';
      else source += escape(ch);
    }
  }
  return new RegExp(`^${source}$`);
}

describe('agreement with the regular-expression definition', () => {
  const { random, text } = seededRandom(7);
  const randomPattern = (): Pattern =>
    Array.from({ length: 1 + random(3) }, () => (random(10) < 3 ? { text: text('ab:*?', 3), literal: true } : { text: text(random(2) ? 'ab:*?' : 'a::*', 12) }));
  // Subjects: random text, ARN-like colon-separated fields, and the pattern filled in.
  const subjects = (p: Pattern): string[] => [
    text('ab:*?', 12),
    Array.from({ length: 1 + random(8) }, () => text('ab', 3)).join(':'),
    p.map((x) => (x.literal ? x.text : [...x.text].map((ch) => (ch === '*' ? text('ab:', 3) : ch === '?' ? 'ab:'[random(3)] : ch)).join(''))).join(''),
  ];

  it('agrees on Resource and StringLike matching for 20,000 random patterns', () => {
    const disagreements: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const p = randomPattern();
      const resource = referenceRegex(p, true);
      const glob = referenceRegex(p, false);
      for (const subject of subjects(p)) {
        if (resourceMatch(p, subject) !== resource.test(subject)) disagreements.push(`Resource ${JSON.stringify(p)} vs ${JSON.stringify(subject)}`);
        if (globMatch(p, subject) !== glob.test(subject)) disagreements.push(`StringLike ${JSON.stringify(p)} vs ${JSON.stringify(subject)}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
