import { NULL_OPERATOR, OPERATORS, OPERATOR_NAMES } from './conditions/operators.js';
import { didYouMean } from './suggest.js';
import type { ConditionEntry, SetQualifier } from './types.js';

/** Parses a statement's Condition block; problems are pushed to `errors` prefixed with `where`. */
export function parseCondition(raw: unknown, where: string, errors: string[]): ConditionEntry[] {
  if (raw === undefined) return [];
  if (!isObject(raw)) {
    errors.push(`${where}: Condition must be an object such as {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}`);
    return [];
  }
  const entries: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(raw)) {
    const parsed = parseOperator(operator);
    if (typeof parsed === 'string') {
      errors.push(`${where}: ${parsed}`);
      continue;
    }
    if (!isObject(block) || Object.keys(block).length === 0) {
      errors.push(`${where}: Condition operator "${operator}" must map condition keys to values, e.g. {"aws:SourceIp": "203.0.113.0/24"}`);
      continue;
    }
    for (const [key, rawValues] of Object.entries(block)) {
      if (!/^[A-Za-z0-9-]+:\S+$/.test(key)) {
        errors.push(`${where}: condition key "${key}" must look like "aws:SourceIp" or "ecr:ResourceTag/team"`);
        continue;
      }
      const values = normaliseValues(rawValues);
      if (!values) {
        errors.push(`${where}: values of "${key}" under "${operator}" must be a string, number, boolean or a non-empty array of them`);
        continue;
      }
      const op = OPERATORS[parsed.base];
      for (const v of values) {
        const problem = parsed.base === NULL_OPERATOR ? nullProblem(v) : op!.validate(v);
        if (problem) errors.push(`${where}: ${operator} on "${key}": ${problem}`);
      }
      entries.push({ operator, ...parsed, key, values });
    }
  }
  return entries;
}

function parseOperator(operator: string): Pick<ConditionEntry, 'base' | 'qualifier' | 'ifExists'> | string {
  let rest = operator;
  let qualifier: SetQualifier | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const q = rest.slice(0, colon);
    if (q !== 'ForAllValues' && q !== 'ForAnyValue') {
      return `unknown set qualifier "${q}" in "${operator}"${didYouMean(q, ['ForAllValues', 'ForAnyValue'])}; use ForAllValues: or ForAnyValue:`;
    }
    qualifier = q;
    rest = rest.slice(colon + 1);
  }
  const ifExists = rest.endsWith('IfExists') && rest !== 'IfExists';
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  if (!OPERATOR_NAMES.includes(base)) {
    return `unknown condition operator "${operator}"${didYouMean(base, OPERATOR_NAMES)}`;
  }
  if (base === NULL_OPERATOR && ifExists) return 'NullIfExists is not an operator; Null already tests whether the key exists';
  return { base, ifExists, ...(qualifier ? { qualifier } : {}) };
}

function nullProblem(v: string): string | undefined {
  return /^(true|false)$/i.test(v) ? undefined : `"${v}" must be true (key absent) or false (key present)`;
}

function normaliseValues(raw: unknown): string[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) return undefined;
  const out: string[] = [];
  for (const v of list) {
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
    else return undefined;
  }
  return out;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
