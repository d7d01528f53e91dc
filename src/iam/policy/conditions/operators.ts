import { arnMatch, globMatch, type Pattern } from '../wildcard.js';
import { patternText } from '../variables.js';
import { cidrContains, parseCidr } from './ip.js';

/**
 * The condition operators of the IAM policy language. Each positive operator matches one context
 * value against one policy value; a negated operator ("StringNotEquals") is true for a context value
 * that matches none of the policy values (AWS: multiple values of a negated operator combine as NOR).
 */
export interface OperatorDef {
  negated: boolean;
  /** Policy values may contain ${...} variables (string and ARN operators). */
  variables: boolean;
  /** Problem with a policy value, for validation messages; undefined when fine. */
  validate(value: string): string | undefined;
  /** The positive test (for negated operators, the test being negated). */
  match(contextValue: string, policyValue: Pattern): boolean;
}

const ok = (): undefined => undefined;

// `\d+(?:\.\d*)?`, not `\d+\.?\d*`: the same numbers, but a run of digits splits only one way, so
// a long one ending in a stray character fails in linear time instead of quadratic.
const number = (s: string): number => (/^\s*-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/.test(s) ? Number(s) : NaN);
const numeric = (cmp: (a: number, b: number) => boolean): Omit<OperatorDef, 'negated'> => ({
  variables: false,
  validate: (v) => (Number.isNaN(number(v)) ? `"${v}" is not a number` : undefined),
  match: (c, p) => {
    const a = number(c);
    const b = number(patternText(p));
    return !Number.isNaN(a) && !Number.isNaN(b) && cmp(a, b);
  },
});

/** ISO 8601 dates/times, or Unix epoch seconds (as aws:EpochTime holds). */
function parseDateValue(s: string): number {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return NaN;
  return Date.parse(s);
}
const date = (cmp: (a: number, b: number) => boolean): Omit<OperatorDef, 'negated'> => ({
  variables: false,
  validate: (v) => (Number.isNaN(parseDateValue(v)) ? `"${v}" is not an ISO 8601 date or epoch seconds` : undefined),
  match: (c, p) => {
    const a = parseDateValue(c);
    const b = parseDateValue(patternText(p));
    return !Number.isNaN(a) && !Number.isNaN(b) && cmp(a, b);
  },
});

const stringEquals: Omit<OperatorDef, 'negated'> = { variables: true, validate: ok, match: (c, p) => c === patternText(p) };
const stringEqualsIgnoreCase: Omit<OperatorDef, 'negated'> = {
  variables: true,
  validate: ok,
  match: (c, p) => c.toLowerCase() === patternText(p).toLowerCase(),
};
const stringLike: Omit<OperatorDef, 'negated'> = { variables: true, validate: ok, match: (c, p) => globMatch(p, c) };
const ipAddress: Omit<OperatorDef, 'negated'> = {
  variables: false,
  validate: (v) => (parseCidr(v) ? undefined : `"${v}" is not an IPv4 or IPv6 address or CIDR block`),
  match: (c, p) => {
    const cidr = parseCidr(patternText(p));
    return cidr !== undefined && cidrContains(cidr, c);
  },
};
const arnLike: Omit<OperatorDef, 'negated'> = {
  variables: true,
  validate: (v) => (v === '*' || (v.startsWith('arn:') && v.split(':').length >= 6) ? undefined : `"${v}" is not an ARN`),
  match: (c, p) => arnMatch(p, c),
};

const positive = (def: Omit<OperatorDef, 'negated'>): OperatorDef => ({ ...def, negated: false });
const negated = (def: Omit<OperatorDef, 'negated'>): OperatorDef => ({ ...def, negated: true });

export const OPERATORS: Readonly<Record<string, OperatorDef>> = {
  StringEquals: positive(stringEquals),
  StringNotEquals: negated(stringEquals),
  StringEqualsIgnoreCase: positive(stringEqualsIgnoreCase),
  StringNotEqualsIgnoreCase: negated(stringEqualsIgnoreCase),
  StringLike: positive(stringLike),
  StringNotLike: negated(stringLike),
  NumericEquals: positive(numeric((a, b) => a === b)),
  NumericNotEquals: negated(numeric((a, b) => a === b)),
  NumericLessThan: positive(numeric((a, b) => a < b)),
  NumericLessThanEquals: positive(numeric((a, b) => a <= b)),
  NumericGreaterThan: positive(numeric((a, b) => a > b)),
  NumericGreaterThanEquals: positive(numeric((a, b) => a >= b)),
  DateEquals: positive(date((a, b) => a === b)),
  DateNotEquals: negated(date((a, b) => a === b)),
  DateLessThan: positive(date((a, b) => a < b)),
  DateLessThanEquals: positive(date((a, b) => a <= b)),
  DateGreaterThan: positive(date((a, b) => a > b)),
  DateGreaterThanEquals: positive(date((a, b) => a >= b)),
  Bool: positive({
    variables: false,
    validate: (v) => (/^(true|false)$/i.test(v) ? undefined : `"${v}" is not true or false`),
    match: (c, p) => c.toLowerCase() === patternText(p).toLowerCase(),
  }),
  BinaryEquals: positive({
    variables: false,
    validate: (v) => (/^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0 ? undefined : `"${v}" is not base64`),
    match: (c, p) => Buffer.from(c, 'base64').equals(Buffer.from(patternText(p), 'base64')),
  }),
  IpAddress: positive(ipAddress),
  NotIpAddress: negated(ipAddress),
  ArnEquals: positive(arnLike),
  ArnLike: positive(arnLike),
  ArnNotEquals: negated(arnLike),
  ArnNotLike: negated(arnLike),
};

/** Null is not a matching operator: "true" means the key is absent, "false" that it is present. */
export const NULL_OPERATOR = 'Null';

export const OPERATOR_NAMES: readonly string[] = [...Object.keys(OPERATORS), NULL_OPERATOR];
