import { describe, expect, it } from 'vitest';
import { contextLookup } from '../../../src/iam/policy/context.js';
import { matchConditions } from '../../../src/iam/policy/match.js';
import { parsePolicy, type ContextInput } from '../../../src/iam/policy/index.js';

/** Whether a statement with this Condition block applies to a request with this context. */
function holds(condition: Record<string, unknown>, context: ContextInput, version = '2012-10-17'): boolean {
  const policy = parsePolicy({ Version: version, Statement: { Effect: 'Allow', Action: 'ecr:*', Resource: '*', Condition: condition } }, 'identity');
  return matchConditions(policy.statements[0]!, policy, contextLookup(context));
}

type Case = [string, Record<string, unknown>, ContextInput, boolean];

const cases: Case[] = [
  // strings
  ['StringEquals exact', { StringEquals: { 'aws:username': 'alice' } }, { 'aws:username': 'alice' }, true],
  ['StringEquals is case-sensitive', { StringEquals: { 'aws:username': 'alice' } }, { 'aws:username': 'Alice' }, false],
  ['StringEquals values are OR-ed', { StringEquals: { 'aws:username': ['bob', 'alice'] } }, { 'aws:username': 'alice' }, true],
  ['StringEquals on a missing key', { StringEquals: { 'aws:username': 'alice' } }, {}, false],
  ['condition keys are case-insensitive', { StringEquals: { 'AWS:UserName': 'alice' } }, { 'aws:username': 'alice' }, true],
  ['StringNotEquals differs', { StringNotEquals: { 'aws:username': 'bob' } }, { 'aws:username': 'alice' }, true],
  ['StringNotEquals values are NOR-ed', { StringNotEquals: { 'aws:username': ['bob', 'alice'] } }, { 'aws:username': 'alice' }, false],
  ['StringNotEquals on a missing key is true', { StringNotEquals: { 'aws:username': 'bob' } }, {}, true],
  ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, { 'aws:username': 'alice' }, true],
  ['StringNotEqualsIgnoreCase', { StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, { 'aws:username': 'alice' }, false],
  ['StringLike with *', { StringLike: { 'aws:UserAgent': 'docker/*' } }, { 'aws:UserAgent': 'docker/24.0.7 go/go1.20' }, true],
  ['StringLike with ?', { StringLike: { 'aws:username': 'al?ce' } }, { 'aws:username': 'alice' }, true],
  ['StringLike is anchored', { StringLike: { 'aws:username': 'ali' } }, { 'aws:username': 'alice' }, false],
  ['StringLike is case-sensitive', { StringLike: { 'aws:UserAgent': 'Docker/*' } }, { 'aws:UserAgent': 'docker/24' }, false],
  ['StringNotLike', { StringNotLike: { 'aws:UserAgent': 'curl/*' } }, { 'aws:UserAgent': 'docker/24' }, true],
  ['StringNotLike matching', { StringNotLike: { 'aws:UserAgent': 'curl/*' } }, { 'aws:UserAgent': 'curl/8' }, false],
  // numbers
  ['NumericEquals', { NumericEquals: { 'ecr:count': '10' } }, { 'ecr:count': 10 }, true],
  ['NumericEquals compares numbers, not text', { NumericEquals: { 'ecr:count': '10.0' } }, { 'ecr:count': '10' }, true],
  ['NumericNotEquals', { NumericNotEquals: { 'ecr:count': 10 } }, { 'ecr:count': 11 }, true],
  ['NumericLessThan', { NumericLessThan: { 'ecr:count': 10 } }, { 'ecr:count': 9 }, true],
  ['NumericLessThan at the bound', { NumericLessThan: { 'ecr:count': 10 } }, { 'ecr:count': 10 }, false],
  ['NumericLessThanEquals', { NumericLessThanEquals: { 'ecr:count': 10 } }, { 'ecr:count': 10 }, true],
  ['NumericGreaterThan', { NumericGreaterThan: { 'ecr:count': 10 } }, { 'ecr:count': 10 }, false],
  ['NumericGreaterThanEquals', { NumericGreaterThanEquals: { 'ecr:count': 10 } }, { 'ecr:count': 10 }, true],
  ['Numeric on a non-number context value', { NumericLessThan: { 'ecr:count': 10 } }, { 'ecr:count': 'lots' }, false],
  // dates
  ['DateLessThan with ISO dates', { DateLessThan: { 'aws:CurrentTime': '2024-06-01T00:00:00Z' } }, { 'aws:CurrentTime': new Date('2024-05-01T10:00:00Z') }, true],
  ['DateGreaterThan with ISO dates', { DateGreaterThan: { 'aws:CurrentTime': '2024-06-01' } }, { 'aws:CurrentTime': new Date('2024-05-01T10:00:00Z') }, false],
  ['DateGreaterThanEquals with epoch seconds', { DateGreaterThanEquals: { 'aws:EpochTime': '1714557600' } }, { 'aws:EpochTime': 1714557600 }, true],
  ['DateLessThanEquals mixing epoch and ISO', { DateLessThanEquals: { 'aws:CurrentTime': '1714557600' } }, { 'aws:CurrentTime': new Date('2024-05-01T10:00:00Z') }, true],
  ['DateEquals', { DateEquals: { 'aws:CurrentTime': '2024-05-01T10:00:00Z' } }, { 'aws:CurrentTime': new Date('2024-05-01T10:00:00Z') }, true],
  ['DateNotEquals', { DateNotEquals: { 'aws:CurrentTime': '2024-05-01T10:00:00Z' } }, { 'aws:CurrentTime': new Date('2024-05-01T10:00:01Z') }, true],
  // booleans and binary
  ['Bool true', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': true }, true],
  ['Bool with a JSON boolean', { Bool: { 'aws:SecureTransport': false } }, { 'aws:SecureTransport': true }, false],
  ['Bool on a missing key', { Bool: { 'aws:SecureTransport': 'false' } }, {}, false],
  ['BinaryEquals', { BinaryEquals: { 'ecr:blob': 'QmluYXJ5' } }, { 'ecr:blob': 'QmluYXJ5' }, true],
  ['BinaryEquals differs', { BinaryEquals: { 'ecr:blob': 'QmluYXJ5' } }, { 'ecr:blob': 'T3RoZXI=' }, false],
  // addresses
  ['IpAddress in an IPv4 CIDR', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.113.77' }, true],
  ['IpAddress outside an IPv4 CIDR', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.114.1' }, false],
  ['IpAddress a single address', { IpAddress: { 'aws:SourceIp': '192.0.2.10' } }, { 'aws:SourceIp': '192.0.2.10' }, true],
  ['IpAddress with an IPv4-mapped peer', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '::ffff:10.1.2.3' }, true],
  ['IpAddress in an IPv6 CIDR', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { 'aws:SourceIp': '2001:db8:1234::1' }, true],
  ['IpAddress outside an IPv6 CIDR', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { 'aws:SourceIp': '2001:db9::1' }, false],
  ['IpAddress v4 CIDR never matches a v6 address', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': '2001:db8::1' }, false],
  ['NotIpAddress', { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } }, { 'aws:SourceIp': '203.0.113.5' }, true],
  ['NotIpAddress inside one range', { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } }, { 'aws:SourceIp': '192.168.1.1' }, false],
  // ARNs
  ['ArnEquals', { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/alice' } }, { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/alice' }, true],
  ['ArnLike with a wildcard account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/ci-*' } }, { 'aws:PrincipalArn': 'arn:aws:iam::444455556666:user/ci-builder' }, true],
  ['ArnLike compares component by component', { ArnLike: { 'aws:SourceArn': 'arn:aws:ecr:*:*:repository/app' } }, { 'aws:SourceArn': 'arn:aws:ecr:us-east-1:repository/app:x' }, false],
  ['ArnLike wildcard region and name', { ArnLike: { 'aws:SourceArn': 'arn:aws:ecr:*:111122223333:repository/team/*' } }, { 'aws:SourceArn': 'arn:aws:ecr:eu-west-1:111122223333:repository/team/app' }, true],
  ['ArnLike on a non-ARN value', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } }, { 'aws:PrincipalArn': 'alice' }, false],
  ['ArnNotEquals', { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/alice' } }, { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/bob' }, true],
  ['ArnNotLike', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/*' } }, { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/bob' }, false],
  // Null, IfExists
  ['Null true when absent', { Null: { 'aws:ResourceTag/team': 'true' } }, {}, true],
  ['Null true when present', { Null: { 'aws:ResourceTag/team': 'true' } }, { 'aws:ResourceTag/team': 'web' }, false],
  ['Null false when present', { Null: { 'aws:ResourceTag/team': 'false' } }, { 'aws:ResourceTag/team': 'web' }, true],
  ['IfExists on a missing key', { StringEqualsIfExists: { 'ecr:ResourceTag/team': 'web' } }, {}, true],
  ['IfExists on a present key still compares', { StringEqualsIfExists: { 'ecr:ResourceTag/team': 'web' } }, { 'ecr:ResourceTag/team': 'ops' }, false],
  ['IfExists on a negated operator', { StringNotEqualsIfExists: { 'ecr:ResourceTag/team': 'web' } }, { 'ecr:ResourceTag/team': 'web' }, false],
  ['IpAddressIfExists on a missing key', { IpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } }, {}, true],
  // set qualifiers
  ['ForAllValues: every value allowed', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } }, { 'aws:TagKeys': ['team'] }, true],
  ['ForAllValues: one value not allowed', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } }, { 'aws:TagKeys': ['team', 'owner'] }, false],
  ['ForAllValues on a missing key is vacuously true', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }, {}, true],
  ['ForAllValues on an empty set is true', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }, { 'aws:TagKeys': [] }, true],
  ['ForAnyValue: one value matches', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } }, { 'aws:TagKeys': ['owner', 'team'] }, true],
  ['ForAnyValue: none matches', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } }, { 'aws:TagKeys': ['owner'] }, false],
  ['ForAnyValue on a missing key is false', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } }, {}, false],
  ['ForAnyValue:StringLike', { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['cost-*'] } }, { 'aws:TagKeys': ['owner', 'cost-center'] }, true],
  ['ForAllValues:StringNotEquals forbids listed keys', { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret'] } }, { 'aws:TagKeys': ['team', 'secret'] }, false],
  ['ForAnyValue:StringNotEquals', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['team'] } }, { 'aws:TagKeys': ['team', 'env'] }, true],
  // combination
  ['several keys are AND-ed', { StringEquals: { 'aws:username': 'alice', 'aws:PrincipalAccount': '111122223333' } }, { 'aws:username': 'alice', 'aws:PrincipalAccount': '999999999999' }, false],
  ['several operators are AND-ed', { StringEquals: { 'aws:username': 'alice' }, Bool: { 'aws:SecureTransport': true } }, { 'aws:username': 'alice', 'aws:SecureTransport': true }, true],
  // policy variables
  ['variables in condition values', { StringEquals: { 'ecr:ResourceTag/owner': '${aws:username}' } }, { 'ecr:ResourceTag/owner': 'alice', 'aws:username': 'alice' }, true],
  ['variable with a default', { StringEquals: { 'ecr:ResourceTag/owner': "${aws:username, 'nobody'}" } }, { 'ecr:ResourceTag/owner': 'nobody' }, true],
  ['unresolved variable never matches', { StringEquals: { 'ecr:ResourceTag/owner': '${aws:username}' } }, { 'ecr:ResourceTag/owner': '${aws:username}' }, false],
  ['substituted text is literal, not a wildcard', { StringLike: { 'ecr:ResourceTag/owner': '${aws:username}' } }, { 'ecr:ResourceTag/owner': 'alice', 'aws:username': 'a*' }, false],
  ['escaped characters ${*}', { StringEquals: { 'ecr:ResourceTag/x': 'a${*}b' } }, { 'ecr:ResourceTag/x': 'a*b' }, true],
];

describe('condition operators', () => {
  it.each(cases)('%s', (_name, condition, context, expected) => {
    expect(holds(condition, context)).toBe(expected);
  });

  it('does not substitute variables under Version 2008-10-17', () => {
    const condition = { StringEquals: { 'ecr:ResourceTag/owner': '${aws:username}' } };
    expect(holds(condition, { 'ecr:ResourceTag/owner': '${aws:username}', 'aws:username': 'alice' }, '2008-10-17')).toBe(true);
    expect(holds(condition, { 'ecr:ResourceTag/owner': 'alice', 'aws:username': 'alice' }, '2008-10-17')).toBe(false);
  });
});
