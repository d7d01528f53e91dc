import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/iam/principal.js';
import {
  accessDeniedMessage,
  accountRootArn,
  evaluate,
  parsePolicy,
  repositoryArn,
  requestContext,
  userArn,
  type AuthorizationRequest,
  type Policy,
  type PolicySources,
} from '../../../src/iam/policy/index.js';

const A = '111122223333';
const B = '444455556666';
const region = 'us-east-1';
const repo = repositoryArn(region, A, 'team/app');
const user = (account: string, name: string): Principal => ({
  kind: 'user',
  accountId: account,
  arn: userArn(account, name),
  userName: name,
  userId: `AIDA${name.toUpperCase()}`,
});
const root = (account: string): Principal => ({ kind: 'root', accountId: account, arn: accountRootArn(account) });
const alice = user(A, 'alice');
const bob = user(B, 'bob');
const anonymous: Principal = { kind: 'anonymous' };

const identity = (...statements: object[]): Policy => parsePolicy({ Version: '2012-10-17', Statement: statements }, 'identity');
const resource = (...statements: object[]): Policy => parsePolicy({ Version: '2012-10-17', Statement: statements }, 'resource');

function decide(principal: Principal, action: string, sources: PolicySources, extra: Partial<AuthorizationRequest> = {}) {
  return evaluate({ principal, action, resourceArn: repo, resourceAccountId: A, ...extra }, sources).decision;
}

const allowPull = { Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: repo };

describe('evaluate: identity policies', () => {
  it('denies by default', () => {
    expect(decide(alice, 'ecr:BatchGetImage', {})).toBe('ImplicitDeny');
  });

  it('allows what an identity policy allows, and nothing else', () => {
    const sources = { identityPolicies: [identity(allowPull)] };
    expect(decide(alice, 'ecr:BatchGetImage', sources)).toBe('Allow');
    expect(decide(alice, 'ecr:PutImage', sources)).toBe('ImplicitDeny');
    expect(decide(alice, 'ecr:BatchGetImage', sources, { resourceArn: repositoryArn(region, A, 'other') })).toBe('ImplicitDeny');
  });

  it('matches actions case-insensitively and with wildcards', () => {
    expect(decide(alice, 'ecr:BatchGetImage', { identityPolicies: [identity({ Effect: 'Allow', Action: 'ECR:batchget*', Resource: '*' })] })).toBe('Allow');
    expect(decide(alice, 'ecr:GetDownloadUrlForLayer', { identityPolicies: [identity({ Effect: 'Allow', Action: 'ecr:?etDownload*', Resource: '*' })] })).toBe('Allow');
    expect(decide(alice, 'ecr:BatchGetImage', { identityPolicies: [identity({ Effect: 'Allow', Action: 'ecr:GetImage*', Resource: '*' })] })).toBe('ImplicitDeny');
  });

  it('matches resources case-sensitively', () => {
    const sources = { identityPolicies: [identity({ Effect: 'Allow', Action: 'ecr:*', Resource: repositoryArn(region, A, 'Team/App') })] };
    expect(decide(alice, 'ecr:BatchGetImage', sources)).toBe('ImplicitDeny');
  });

  it('supports resource wildcards and variables', () => {
    const wildcard = identity({ Effect: 'Allow', Action: 'ecr:*', Resource: `arn:aws:ecr:*:${A}:repository/team/*` });
    expect(decide(alice, 'ecr:PutImage', { identityPolicies: [wildcard] })).toBe('Allow');
    const perUser = identity({ Effect: 'Allow', Action: 'ecr:*', Resource: `arn:aws:ecr:${region}:${A}:repository/\${aws:username}/*` });
    expect(decide(alice, 'ecr:PutImage', { identityPolicies: [perUser] }, { resourceArn: repositoryArn(region, A, 'alice/tools') })).toBe('Allow');
    expect(decide(alice, 'ecr:PutImage', { identityPolicies: [perUser] }, { resourceArn: repositoryArn(region, A, 'bob/tools') })).toBe('ImplicitDeny');
  });

  it('keeps "*" in the middle of an ARN segment within that segment', () => {
    const p = identity({ Effect: 'Allow', Action: 'ecr:*', Resource: `arn:aws:ecr:us-*-1:${A}:repository/team/app` });
    expect(decide(alice, 'ecr:PutImage', { identityPolicies: [p] })).toBe('Allow');
    const crossing = identity({ Effect: 'Allow', Action: 'ecr:*', Resource: `arn:aws:e*r:${region}:${A}:repository/team/app` });
    expect(decide(alice, 'ecr:PutImage', { identityPolicies: [crossing] })).toBe('Allow');
  });

  it('lets "*" that ends a segment run past colons', () => {
    const p = identity({ Effect: 'Allow', Action: 'ecr:*', Resource: 'arn:aws:ecr:*' });
    expect(decide(alice, 'ecr:PutImage', { identityPolicies: [p] })).toBe('Allow');
  });

  it('NotAction allows everything except the listed actions', () => {
    const sources = { identityPolicies: [identity({ Effect: 'Allow', NotAction: 'ecr:Delete*', Resource: '*' })] };
    expect(decide(alice, 'ecr:PutImage', sources)).toBe('Allow');
    expect(decide(alice, 'ecr:DeleteRepository', sources)).toBe('ImplicitDeny');
  });

  it('NotResource allows everything except the listed resources', () => {
    const sources = { identityPolicies: [identity({ Effect: 'Allow', Action: 'ecr:*', NotResource: `arn:aws:ecr:*:${A}:repository/prod/*` })] };
    expect(decide(alice, 'ecr:PutImage', sources)).toBe('Allow');
    expect(decide(alice, 'ecr:PutImage', sources, { resourceArn: repositoryArn(region, A, 'prod/api') })).toBe('ImplicitDeny');
  });

  it('lets an explicit Deny win over any Allow', () => {
    const sources = {
      identityPolicies: [identity({ Effect: 'Allow', Action: 'ecr:*', Resource: '*' }), identity({ Effect: 'Deny', Action: 'ecr:DeleteRepository', Resource: '*' })],
    };
    expect(decide(alice, 'ecr:DeleteRepository', sources)).toBe('ExplicitDeny');
    expect(decide(alice, 'ecr:PutImage', sources)).toBe('Allow');
  });

  it('applies conditions with the request context', () => {
    const sources = {
      identityPolicies: [identity({ ...allowPull, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' }, Bool: { 'aws:SecureTransport': 'true' } } })],
    };
    const inside = requestContext({ facts: { sourceIp: '10.1.2.3', secureTransport: true } });
    const outside = requestContext({ facts: { sourceIp: '203.0.113.9', secureTransport: true } });
    const plain = requestContext({ facts: { sourceIp: '10.1.2.3', secureTransport: false } });
    expect(decide(alice, 'ecr:BatchGetImage', sources, { context: inside })).toBe('Allow');
    expect(decide(alice, 'ecr:BatchGetImage', sources, { context: outside })).toBe('ImplicitDeny');
    expect(decide(alice, 'ecr:BatchGetImage', sources, { context: plain })).toBe('ImplicitDeny');
  });

  it('reads repository tags as aws:ResourceTag and ecr:ResourceTag', () => {
    const p = identity({ Effect: 'Allow', Action: 'ecr:*', Resource: '*', Condition: { StringEquals: { 'ecr:ResourceTag/team': 'web', 'aws:ResourceTag/env': 'dev' } } });
    const ctx = requestContext({ resourceTags: { team: 'web', env: 'dev' } });
    expect(decide(alice, 'ecr:PutImage', { identityPolicies: [p] }, { context: ctx })).toBe('Allow');
    expect(decide(alice, 'ecr:PutImage', { identityPolicies: [p] }, { context: requestContext({ resourceTags: { team: 'ops', env: 'dev' } }) })).toBe('ImplicitDeny');
  });

  it('derives principal keys itself, so the context cannot impersonate', () => {
    const p = identity({ Effect: 'Allow', Action: 'ecr:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': B, 'aws:username': 'bob' } } });
    const spoof = { 'aws:PrincipalAccount': B, 'aws:username': 'bob' };
    expect(decide(alice, 'ecr:PutImage', { identityPolicies: [p] }, { context: spoof })).toBe('ImplicitDeny');
  });

  it('authorizes registry-level actions against "*"', () => {
    const scoped = identity({ Effect: 'Allow', Action: 'ecr:*', Resource: `arn:aws:ecr:*:${A}:repository/*` });
    const star = identity({ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' });
    expect(decide(alice, 'ecr:GetAuthorizationToken', { identityPolicies: [scoped] }, { resourceArn: '*' })).toBe('ImplicitDeny');
    expect(decide(alice, 'ecr:GetAuthorizationToken', { identityPolicies: [star] }, { resourceArn: '*' })).toBe('Allow');
  });

  it('reports which statements decided', () => {
    const result = evaluate(
      { principal: alice, action: 'ecr:DeleteRepository', resourceArn: repo, resourceAccountId: A },
      { identityPolicies: [{ name: 'guard', policy: identity({ Sid: 'NoDelete', Effect: 'Deny', Action: 'ecr:Delete*', Resource: '*' }) }] },
    );
    expect(result).toEqual({
      decision: 'ExplicitDeny',
      matched: [{ source: 'identity', policyName: 'guard', sid: 'NoDelete', index: 0, effect: 'Deny' }],
      denial: 'explicit-identity',
    });
  });
});

describe('evaluate: repository and registry policies', () => {
  it('grants a same-account user named directly in the repository policy', () => {
    const sources = { resourcePolicy: resource({ Effect: 'Allow', Principal: { AWS: alice.kind === 'user' ? alice.arn : '' }, Action: 'ecr:BatchGetImage' }) };
    expect(decide(alice, 'ecr:BatchGetImage', sources)).toBe('Allow');
  });

  it('does not grant a same-account user through a policy naming only the account', () => {
    const sources = { resourcePolicy: resource({ Effect: 'Allow', Principal: { AWS: accountRootArn(A) }, Action: 'ecr:*' }) };
    expect(decide(alice, 'ecr:BatchGetImage', sources)).toBe('ImplicitDeny');
    expect(decide(alice, 'ecr:BatchGetImage', { ...sources, identityPolicies: [identity(allowPull)] })).toBe('Allow');
  });

  it('grants a same-account user through Principal "*"', () => {
    expect(decide(alice, 'ecr:BatchGetImage', { resourcePolicy: resource({ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }) })).toBe('Allow');
  });

  it('lets a repository-policy Deny override an identity Allow', () => {
    const sources = {
      identityPolicies: [identity({ Effect: 'Allow', Action: 'ecr:*', Resource: '*' })],
      resourcePolicy: resource({ Effect: 'Deny', Principal: '*', Action: 'ecr:PutImage' }),
    };
    expect(decide(alice, 'ecr:PutImage', sources)).toBe('ExplicitDeny');
  });

  it('lets a registry-policy Deny apply to every ECR action (V2 scope)', () => {
    const sources = {
      identityPolicies: [identity({ Effect: 'Allow', Action: 'ecr:*', Resource: '*' })],
      registryPolicy: resource({ Effect: 'Deny', Principal: '*', Action: 'ecr:DeleteRepository', Resource: `arn:aws:ecr:${region}:${A}:repository/*` }),
    };
    expect(decide(alice, 'ecr:DeleteRepository', sources)).toBe('ExplicitDeny');
    expect(decide(alice, 'ecr:DeleteRepository', { ...sources, registryPolicyScope: 'V1' })).toBe('Allow');
    expect(decide(alice, 'ecr:CreateRepository', {
      ...sources,
      registryPolicyScope: 'V1',
      registryPolicy: resource({ Effect: 'Deny', Principal: '*', Action: 'ecr:CreateRepository', Resource: '*' }),
    })).toBe('ExplicitDeny');
  });

  it('honours Conditions in resource policies', () => {
    const sources = {
      resourcePolicy: resource({ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage', Condition: { StringEquals: { 'aws:PrincipalAccount': A } } }),
    };
    expect(decide(alice, 'ecr:BatchGetImage', sources)).toBe('Allow');
    expect(decide(anonymous, 'ecr:BatchGetImage', sources)).toBe('ImplicitDeny');
  });
});

describe('evaluate: cross-account access', () => {
  const bobCanPull = identity({ Effect: 'Allow', Action: ['ecr:BatchGetImage'], Resource: `arn:aws:ecr:*:${A}:repository/*` });
  const repoAllowsB = resource({ Effect: 'Allow', Principal: { AWS: B }, Action: 'ecr:BatchGetImage' });

  it('needs the caller side and the resource side to allow', () => {
    expect(decide(bob, 'ecr:BatchGetImage', { identityPolicies: [bobCanPull], resourcePolicy: repoAllowsB })).toBe('Allow');
    expect(decide(bob, 'ecr:BatchGetImage', { identityPolicies: [bobCanPull] })).toBe('ImplicitDeny');
    expect(decide(bob, 'ecr:BatchGetImage', { resourcePolicy: repoAllowsB })).toBe('ImplicitDeny');
  });

  it('accepts the resource side from the registry policy', () => {
    const registry = resource({ Effect: 'Allow', Principal: { AWS: accountRootArn(B) }, Action: 'ecr:BatchGetImage', Resource: `arn:aws:ecr:${region}:${A}:repository/*` });
    expect(decide(bob, 'ecr:BatchGetImage', { identityPolicies: [bobCanPull], registryPolicy: registry })).toBe('Allow');
  });

  it('counts the calling account root as allowed on its own side', () => {
    expect(decide(root(B), 'ecr:BatchGetImage', { resourcePolicy: repoAllowsB })).toBe('Allow');
    expect(decide(root(B), 'ecr:BatchGetImage', {})).toBe('ImplicitDeny');
  });

  it('accepts a resource policy that names the user exactly', () => {
    const named = resource({ Effect: 'Allow', Principal: { AWS: [userArn(B, 'bob')] }, Action: 'ecr:BatchGetImage' });
    expect(decide(bob, 'ecr:BatchGetImage', { identityPolicies: [bobCanPull], resourcePolicy: named })).toBe('Allow');
    const other = resource({ Effect: 'Allow', Principal: { AWS: [userArn(B, 'carol')] }, Action: 'ecr:BatchGetImage' });
    expect(decide(bob, 'ecr:BatchGetImage', { identityPolicies: [bobCanPull], resourcePolicy: other })).toBe('ImplicitDeny');
  });

  it('ignores identity policies of the resource account for outsiders', () => {
    const result = evaluate(
      { principal: bob, action: 'ecr:BatchGetImage', resourceArn: repo, resourceAccountId: A },
      { resourcePolicy: repoAllowsB },
    );
    expect(result).toMatchObject({ decision: 'ImplicitDeny', denial: 'no-identity-allow' });
    const noResource = evaluate({ principal: bob, action: 'ecr:BatchGetImage', resourceArn: repo, resourceAccountId: A }, { identityPolicies: [bobCanPull] });
    expect(noResource).toMatchObject({ decision: 'ImplicitDeny', denial: 'no-resource-allow' });
  });
});

describe('evaluate: root and anonymous principals', () => {
  it('allows the resource account root everything, except explicit resource-policy denies', () => {
    expect(decide(root(A), 'ecr:DeleteRepository', {})).toBe('Allow');
    expect(decide(root(A), 'ecr:DeleteRepository', { resourcePolicy: resource({ Effect: 'Deny', Principal: '*', Action: 'ecr:DeleteRepository' }) })).toBe('ExplicitDeny');
    expect(decide(root(A), 'ecr:DeleteRepository', { resourcePolicy: resource({ Effect: 'Deny', Principal: { AWS: A }, Action: 'ecr:*' }) })).toBe('ExplicitDeny');
  });

  it('ignores identity policies handed in for a root', () => {
    expect(decide(root(A), 'ecr:PutImage', { identityPolicies: [identity({ Effect: 'Deny', Action: '*', Resource: '*' })] })).toBe('Allow');
  });

  it('allows anonymous pulls only through Principal "*"', () => {
    const publicRepo = resource({ Sid: 'Public', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] });
    expect(decide(anonymous, 'ecr:BatchGetImage', { resourcePolicy: publicRepo })).toBe('Allow');
    expect(decide(anonymous, 'ecr:PutImage', { resourcePolicy: publicRepo })).toBe('ImplicitDeny');
    expect(decide(anonymous, 'ecr:BatchGetImage', { resourcePolicy: resource({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'ecr:BatchGetImage' }) })).toBe('Allow');
    expect(decide(anonymous, 'ecr:BatchGetImage', { resourcePolicy: resource({ Effect: 'Allow', Principal: { AWS: A }, Action: 'ecr:BatchGetImage' }) })).toBe('ImplicitDeny');
    expect(decide(anonymous, 'ecr:BatchGetImage', { identityPolicies: [identity(allowPull)] })).toBe('ImplicitDeny');
  });
});

describe('evaluate: NotPrincipal', () => {
  const onlyAlice = resource({
    Effect: 'Deny',
    NotPrincipal: { AWS: [userArn(A, 'alice'), accountRootArn(A)] },
    Action: 'ecr:PutImage',
  });
  const allowAll = identity({ Effect: 'Allow', Action: 'ecr:*', Resource: '*' });

  it('denies everyone but the listed principals', () => {
    expect(decide(alice, 'ecr:PutImage', { identityPolicies: [allowAll], resourcePolicy: onlyAlice })).toBe('Allow');
    expect(decide(user(A, 'mallory'), 'ecr:PutImage', { identityPolicies: [allowAll], resourcePolicy: onlyAlice })).toBe('ExplicitDeny');
    expect(decide(root(A), 'ecr:PutImage', { resourcePolicy: onlyAlice })).toBe('Allow');
    expect(decide(anonymous, 'ecr:PutImage', { resourcePolicy: onlyAlice })).toBe('ExplicitDeny');
  });

  it('does not exclude a user listed without its account (IAM evaluates both identities)', () => {
    const userOnly = resource({ Effect: 'Deny', NotPrincipal: { AWS: userArn(A, 'alice') }, Action: 'ecr:PutImage' });
    expect(decide(alice, 'ecr:PutImage', { identityPolicies: [allowAll], resourcePolicy: userOnly })).toBe('ExplicitDeny');
  });
});

describe('accessDeniedMessage', () => {
  it('reads like AWS', () => {
    const request = { principal: alice, action: 'ecr:BatchGetImage', resourceArn: repo, resourceAccountId: A };
    expect(accessDeniedMessage(request, evaluate(request, {}))).toBe(
      `User: arn:aws:iam::${A}:user/alice is not authorized to perform: ecr:BatchGetImage on resource: ${repo} because no identity-based policy allows the ecr:BatchGetImage action`,
    );
    const denied = evaluate(request, { resourcePolicy: resource({ Effect: 'Deny', Principal: '*', Action: '*' }) });
    expect(accessDeniedMessage(request, denied)).toMatch(/with an explicit deny in a resource-based policy$/);
  });
});
