import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../../src/domain/errors.js';
import { parsePolicy, validatePolicy, type PolicyKind } from '../../../src/iam/policy/index.js';

const stmt = (s: object) => ({ Version: '2012-10-17', Statement: [s] });
const allow = { Effect: 'Allow', Action: 'ecr:BatchGetImage', Resource: '*' };
const errorsOf = (doc: unknown, kind: PolicyKind = 'identity'): string[] => validatePolicy(doc, kind).errors;

describe('parsePolicy', () => {
  it('normalises single values to lists and keeps Sids', () => {
    const policy = parsePolicy(JSON.stringify({ Version: '2012-10-17', Id: 'p1', Statement: { Sid: 'Pull', ...allow } }), 'identity');
    expect(policy).toEqual({
      version: '2012-10-17',
      id: 'p1',
      statements: [{ index: 0, sid: 'Pull', effect: 'Allow', action: ['ecr:BatchGetImage'], resource: ['*'], conditions: [] }],
    });
  });

  it('reads the ECR repository-policy shape (2008-10-17, no Resource)', () => {
    const policy = parsePolicy(
      {
        Version: '2008-10-17',
        Statement: [{ Sid: 'AllowPull', Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::444455556666:root', '111122223333'] }, Action: ['ecr:BatchGetImage'] }],
      },
      'resource',
    );
    expect(policy.statements[0]!.principal).toEqual({ any: false, aws: ['arn:aws:iam::444455556666:root', '111122223333'], service: [], federated: [], canonicalUser: [] });
    expect(policy.statements[0]!.resource).toBeUndefined();
  });

  it('normalises condition values', () => {
    const policy = parsePolicy(stmt({ ...allow, Condition: { Bool: { 'aws:SecureTransport': false }, NumericLessThan: { 'ecr:n': [1, 2] } } }), 'identity');
    expect(policy.statements[0]!.conditions).toEqual([
      { operator: 'Bool', base: 'Bool', ifExists: false, key: 'aws:SecureTransport', values: ['false'] },
      { operator: 'NumericLessThan', base: 'NumericLessThan', ifExists: false, key: 'ecr:n', values: ['1', '2'] },
    ]);
  });

  it('throws a DomainError listing every problem', () => {
    try {
      parsePolicy(stmt({ Effect: 'allow', Action: 'ecr:BatchGetImage' }), 'identity');
      expect.unreachable();
    } catch (err) {
      expect(isDomainError(err, 'InvalidParameter')).toBe(true);
      expect((err as Error).message).toBe(
        'Invalid policy document: Statement[0]: Effect must be "Allow" or "Deny", got "allow"; Statement[0]: needs Resource (or NotResource)',
      );
    }
  });
});

describe('validatePolicy messages', () => {
  const cases: Array<[string, unknown, PolicyKind, string]> = [
    ['not JSON', '{"Version": ', 'identity', 'the policy is not valid JSON ('],
    ['not an object', '[]', 'identity', 'the policy must be a JSON object with Version and Statement'],
    ['bad Version', { Version: '2012-10-18', Statement: allow }, 'identity', 'Version must be "2012-10-17" or "2008-10-17", got "2012-10-18"'],
    ['unknown top-level element', { Version: '2012-10-17', Statements: [allow] }, 'identity', 'unknown top-level element "Statements" (did you mean "Statement"?); allowed: Version, Id, Statement'],
    ['missing Statement', { Version: '2012-10-17' }, 'identity', 'the policy needs a Statement (an object or a non-empty array of them)'],
    ['statement not an object', { Version: '2012-10-17', Statement: ['x'] }, 'identity', 'Statement[0] must be an object with Effect, Action and Resource'],
    ['missing Effect', stmt({ Action: 'ecr:*', Resource: '*' }), 'identity', 'Statement[0]: Effect must be "Allow" or "Deny", got nothing'],
    ['missing Action', stmt({ Sid: 'NoAction', Effect: 'Allow', Resource: '*' }), 'identity', 'Statement[0] (Sid "NoAction"): needs Action (or NotAction)'],
    ['Action and NotAction', stmt({ ...allow, NotAction: 'ecr:PutImage' }), 'identity', 'Statement[0]: use either Action or NotAction, not both'],
    ['malformed Action', stmt({ ...allow, Action: 'BatchGetImage' }), 'identity', 'Statement[0]: Action "BatchGetImage" must look like "ecr:BatchGetImage" (service prefix, colon, action; wildcards allowed) or be "*"'],
    ['unknown ECR action in a repository policy', stmt({ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImages' }), 'resource', 'Statement[0]: Action "ecr:BatchGetImages" is not an ECR action (did you mean "ecr:BatchGetImage"?)'],
    ['empty Action list', stmt({ ...allow, Action: [] }), 'identity', 'Statement[0]: Action must be a non-empty string or a non-empty array of strings'],
    ['non-ARN resource', stmt({ ...allow, Resource: 'my-repo' }), 'identity', 'Statement[0]: Resource "my-repo" must be an ARN such as "arn:aws:ecr:us-east-1:111122223333:repository/my-app" (wildcards allowed) or "*"'],
    ['unknown statement element', stmt({ ...allow, Actions: 'ecr:*' }), 'identity', 'Statement[0]: unknown element "Actions" (did you mean "Action"?)'],
    ['Principal in an identity policy', stmt({ ...allow, Principal: '*' }), 'identity', 'Statement[0]: Principal is not allowed in an identity policy'],
    ['no Principal in a resource policy', stmt({ Effect: 'Allow', Action: 'ecr:*' }), 'resource', 'Statement[0]: needs Principal (or NotPrincipal)'],
    ['wildcard in a principal ARN', stmt({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:user/*' }, Action: 'ecr:*' }), 'resource', 'Statement[0]: Principal.AWS "arn:aws:iam::111122223333:user/*" may not contain wildcards; use "*" with a Condition on aws:PrincipalArn (ArnLike) instead'],
    ['bad principal value', stmt({ Effect: 'Allow', Principal: { AWS: 'alice' }, Action: 'ecr:*' }), 'resource', 'Statement[0]: Principal.AWS "alice" must be "*", a 12-digit account id or an IAM ARN'],
    ['bad principal type', stmt({ Effect: 'Allow', Principal: { Aws: '111122223333' }, Action: 'ecr:*' }), 'resource', 'Statement[0]: Principal: "Aws" is not a principal type (did you mean "AWS"?)'],
    ['unknown condition operator', stmt({ ...allow, Condition: { StringEqual: { 'aws:username': 'a' } } }), 'identity', 'Statement[0]: unknown condition operator "StringEqual" (did you mean "StringEquals"?)'],
    ['unknown set qualifier', stmt({ ...allow, Condition: { 'ForAll:StringEquals': { 'aws:TagKeys': 'a' } } }), 'identity', 'Statement[0]: unknown set qualifier "ForAll" in "ForAll:StringEquals"; use ForAllValues: or ForAnyValue:'],
    ['NullIfExists', stmt({ ...allow, Condition: { NullIfExists: { 'aws:username': 'true' } } }), 'identity', 'NullIfExists is not an operator'],
    ['condition block not an object', stmt({ ...allow, Condition: { StringEquals: 'x' } }), 'identity', 'Condition operator "StringEquals" must map condition keys to values'],
    ['bad condition key', stmt({ ...allow, Condition: { StringEquals: { username: 'a' } } }), 'identity', 'condition key "username" must look like "aws:SourceIp"'],
    ['empty condition values', stmt({ ...allow, Condition: { StringEquals: { 'aws:username': [] } } }), 'identity', 'values of "aws:username" under "StringEquals" must be a string, number, boolean or a non-empty array of them'],
    ['bad IP', stmt({ ...allow, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } }), 'identity', 'IpAddress on "aws:SourceIp": "10.0.0.0/33" is not an IPv4 or IPv6 address or CIDR block'],
    ['bad number', stmt({ ...allow, Condition: { NumericLessThan: { 'ecr:n': 'ten' } } }), 'identity', 'NumericLessThan on "ecr:n": "ten" is not a number'],
    ['bad date', stmt({ ...allow, Condition: { DateLessThan: { 'aws:CurrentTime': 'tomorrow' } } }), 'identity', '"tomorrow" is not an ISO 8601 date or epoch seconds'],
    ['bad bool', stmt({ ...allow, Condition: { Bool: { 'aws:SecureTransport': 'yes' } } }), 'identity', '"yes" is not true or false'],
    ['bad ARN condition', stmt({ ...allow, Condition: { ArnLike: { 'aws:PrincipalArn': 'alice' } } }), 'identity', '"alice" is not an ARN'],
    ['bad Null value', stmt({ ...allow, Condition: { Null: { 'aws:username': 'maybe' } } }), 'identity', '"maybe" must be true (key absent) or false (key present)'],
    ['duplicate Sid', { Version: '2012-10-17', Statement: [{ Sid: 'A', ...allow }, { Sid: 'A', ...allow }] }, 'identity', 'Sid "A" is used by more than one statement'],
  ];

  it.each(cases)('%s', (_name, doc, kind, message) => {
    const errors = errorsOf(doc, kind);
    expect(errors.some((e) => e.includes(message)), `got: ${JSON.stringify(errors)}`).toBe(true);
  });

  it('accepts actions it does not know in identity policies, as IAM does', () => {
    expect(errorsOf(stmt({ ...allow, Action: ['ecr:SomeFutureAction', 's3:GetObject'] }))).toEqual([]);
  });

  it('accepts every operator with IfExists and set qualifiers', () => {
    const condition = {
      'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': 'team*' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] },
      ArnNotLikeIfExists: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/ci-*' },
      DateGreaterThanEquals: { 'aws:CurrentTime': '2024-01-01T00:00:00Z' },
      BinaryEquals: { 'ecr:x': 'QUJD' },
      Null: { 'aws:SourceIp': false },
    };
    expect(errorsOf(stmt({ ...allow, Condition: condition }))).toEqual([]);
  });
});
