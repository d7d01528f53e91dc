import { DomainError } from '../../domain/errors.js';
import { ECR_ACTIONS, canonicalEcrAction } from './actions.js';
import { isAccountId } from './arn.js';
import { isObject, parseCondition } from './parse-condition.js';
import { didYouMean } from './suggest.js';
import type { Policy, PolicyKind, PolicyVersion, PrincipalSpec, Statement } from './types.js';

/**
 * Parses and validates a policy document. Every problem is reported, each naming the statement and
 * saying what to write instead, since these messages reach users through PutRegistryPolicy,
 * SetRepositoryPolicy and the IAM admin API.
 */
export function parsePolicy(document: string | unknown, kind: PolicyKind): Policy {
  const { policy, errors } = validatePolicy(document, kind);
  if (!policy) throw new DomainError('InvalidParameter', `Invalid policy document: ${errors.join('; ')}`, { errors });
  return policy;
}

export function validatePolicy(document: string | unknown, kind: PolicyKind): { policy?: Policy; errors: string[] } {
  const errors: string[] = [];
  let doc: unknown = document;
  if (typeof document === 'string') {
    try {
      doc = JSON.parse(document);
    } catch (err) {
      return { errors: [`the policy is not valid JSON (${(err as Error).message})`] };
    }
  }
  if (!isObject(doc)) return { errors: ['the policy must be a JSON object with Version and Statement'] };
  for (const key of Object.keys(doc)) {
    if (!['Version', 'Id', 'Statement'].includes(key)) {
      errors.push(`unknown top-level element "${key}"${didYouMean(key, ['Version', 'Id', 'Statement'])}; allowed: Version, Id, Statement`);
    }
  }
  let version: PolicyVersion = '2008-10-17';
  if (doc['Version'] !== undefined) {
    if (doc['Version'] === '2012-10-17' || doc['Version'] === '2008-10-17') version = doc['Version'];
    else errors.push(`Version must be "2012-10-17" or "2008-10-17", got ${JSON.stringify(doc['Version'])}`);
  }
  if (doc['Id'] !== undefined && typeof doc['Id'] !== 'string') errors.push('Id must be a string');
  const rawStatements = doc['Statement'];
  const list = Array.isArray(rawStatements) ? rawStatements : rawStatements === undefined ? [] : [rawStatements];
  if (list.length === 0) errors.push('the policy needs a Statement (an object or a non-empty array of them)');
  const statements = list.map((raw, index) => parseStatement(raw, index, kind, errors));
  const sids = statements.map((s) => s?.sid).filter((s) => s !== undefined);
  for (const dup of new Set(sids.filter((s, i) => sids.indexOf(s) !== i))) {
    errors.push(`Sid "${dup}" is used by more than one statement; statement ids must be unique`);
  }
  if (errors.length > 0) return { errors };
  return {
    policy: { version, ...(typeof doc['Id'] === 'string' ? { id: doc['Id'] } : {}), statements: statements as Statement[] },
    errors,
  };
}

const STATEMENT_KEYS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

function parseStatement(raw: unknown, index: number, kind: PolicyKind, errors: string[]): Statement | undefined {
  let where = `Statement[${index}]`;
  if (!isObject(raw)) {
    errors.push(`${where} must be an object with Effect, Action and Resource`);
    return undefined;
  }
  if (raw['Sid'] !== undefined) {
    if (typeof raw['Sid'] !== 'string') errors.push(`${where}: Sid must be a string`);
    else where = `Statement[${index}] (Sid "${raw['Sid']}")`;
  }
  for (const key of Object.keys(raw)) {
    if (!STATEMENT_KEYS.includes(key)) errors.push(`${where}: unknown element "${key}"${didYouMean(key, STATEMENT_KEYS)}`);
  }
  const effect = raw['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny') {
    errors.push(`${where}: Effect must be "Allow" or "Deny", got ${effect === undefined ? 'nothing' : JSON.stringify(effect)}`);
  }
  const action = exactlyOne(raw, 'Action', 'NotAction', where, errors, true);
  const resource = exactlyOne(raw, 'Resource', 'NotResource', where, errors, kind === 'identity');
  const principal = exactlyOne(raw, 'Principal', 'NotPrincipal', where, errors, kind === 'resource');
  if (kind === 'identity' && principal) {
    errors.push(`${where}: ${principal} is not allowed in an identity policy (it names who may act only in resource policies)`);
  }
  const statement: Statement = { index, effect: effect as Statement['effect'], conditions: [] };
  if (typeof raw['Sid'] === 'string') statement.sid = raw['Sid'];
  if (action) statement[action === 'Action' ? 'action' : 'notAction'] = stringList(raw[action], `${where}: ${action}`, errors, (v) => checkAction(v, kind));
  if (resource) statement[resource === 'Resource' ? 'resource' : 'notResource'] = stringList(raw[resource], `${where}: ${resource}`, errors, checkResource);
  if (principal && kind === 'resource') {
    const spec = parsePrincipal(raw[principal], `${where}: ${principal}`, errors);
    if (spec) statement[principal === 'Principal' ? 'principal' : 'notPrincipal'] = spec;
  }
  statement.conditions = parseCondition(raw['Condition'], where, errors);
  return statement;
}

function exactlyOne(raw: Record<string, unknown>, a: string, b: string, where: string, errors: string[], required: boolean): string | undefined {
  const hasA = raw[a] !== undefined;
  const hasB = raw[b] !== undefined;
  if (hasA && hasB) errors.push(`${where}: use either ${a} or ${b}, not both`);
  else if (!hasA && !hasB && required) errors.push(`${where}: needs ${a} (or ${b})`);
  return hasA ? a : hasB ? b : undefined;
}

function stringList(raw: unknown, where: string, errors: string[], check: (v: string) => string | undefined): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || list.some((v) => typeof v !== 'string' || v === '')) {
    errors.push(`${where} must be a non-empty string or a non-empty array of strings`);
    return [];
  }
  for (const v of list as string[]) {
    const problem = check(v);
    if (problem) errors.push(`${where} ${problem}`);
  }
  return list as string[];
}

/**
 * Resource policies reject unknown ECR actions, as ECR's SetRepositoryPolicy does; identity
 * policies accept them, as IAM does, so policies written for newer ECR features still load.
 */
function checkAction(v: string, kind: PolicyKind): string | undefined {
  if (v === '*') return undefined;
  const m = /^([a-z0-9-]+):([A-Za-z0-9*?]+)$/i.exec(v);
  if (!m) return `"${v}" must look like "ecr:BatchGetImage" (service prefix, colon, action; wildcards allowed) or be "*"`;
  if (kind === 'resource' && m[1]!.toLowerCase() === 'ecr' && !/[*?]/.test(m[2]!) && !canonicalEcrAction(v)) {
    return `"${v}" is not an ECR action${didYouMean(v, ECR_ACTIONS)}`;
  }
  return undefined;
}

function checkResource(v: string): string | undefined {
  if (v === '*') return undefined;
  // A "*" ending a segment may stand for the remaining segments ("arn:aws:ecr:*").
  if (/^arn:[^:]+:[^:]+/.test(v) && (v.split(':').length >= 6 || v.endsWith('*'))) return undefined;
  return `"${v}" must be an ARN such as "arn:aws:ecr:us-east-1:111122223333:repository/my-app" (wildcards allowed) or "*"`;
}

const PRINCIPAL_KEYS = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

function parsePrincipal(raw: unknown, where: string, errors: string[]): PrincipalSpec | undefined {
  const spec: PrincipalSpec = { any: false, aws: [], service: [], federated: [], canonicalUser: [] };
  if (raw === '*') return { ...spec, any: true };
  if (!isObject(raw)) {
    errors.push(`${where} must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}`);
    return undefined;
  }
  for (const [key, value] of Object.entries(raw)) {
    if (!PRINCIPAL_KEYS.includes(key)) {
      errors.push(`${where}: "${key}" is not a principal type${didYouMean(key, PRINCIPAL_KEYS)}; use AWS, Service, Federated or CanonicalUser`);
      continue;
    }
    const values = stringList(value, `${where}.${key}`, errors, () => undefined);
    if (key === 'AWS') {
      for (const v of values) {
        if (v === '*') spec.any = true;
        else if (isAccountId(v) || /^arn:aws:(iam|sts)::\d{12}:[^*?]+$/.test(v)) spec.aws.push(v);
        else if (/[*?]/.test(v)) {
          errors.push(`${where}.AWS "${v}" may not contain wildcards; use "*" with a Condition on aws:PrincipalArn (ArnLike) instead`);
        } else errors.push(`${where}.AWS "${v}" must be "*", a 12-digit account id or an IAM ARN such as "arn:aws:iam::111122223333:user/alice"`);
      }
    } else if (key === 'Service') spec.service.push(...values);
    else if (key === 'Federated') spec.federated.push(...values);
    else spec.canonicalUser.push(...values);
  }
  return spec;
}
