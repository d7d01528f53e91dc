import { describe, expect, it } from 'vitest';
import { parseArn, parseRepositoryArn, repositoryArn, userArn } from '../../../src/iam/policy/index.js';
import { actionMatch, arnMatch, globMatch, pattern, resourceMatch } from '../../../src/iam/policy/wildcard.js';

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
