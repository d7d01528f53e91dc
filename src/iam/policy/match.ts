import type { Principal } from '../principal.js';
import { accountRootArn } from './arn.js';
import { evaluateCondition } from './conditions/evaluate.js';
import type { Policy, PrincipalSpec, Statement } from './types.js';
import { substitute, type ContextLookup } from './variables.js';
import { actionMatch, resourceMatch } from './wildcard.js';

/** How a resource-policy statement's Principal covers the caller. */
export type PrincipalMatch = 'exact' | 'account' | 'any';

function principalCoverage(spec: PrincipalSpec, principal: Principal): { exact: boolean; account: boolean; any: boolean } {
  if (principal.kind === 'anonymous') return { exact: false, account: false, any: spec.any };
  const root = accountRootArn(principal.accountId);
  const account = spec.aws.some((v) => v === principal.accountId || v === root);
  const exact = principal.kind === 'root' ? account : spec.aws.includes(principal.arn);
  return { exact, account, any: spec.any };
}

/**
 * Principal: the statement covers the caller named exactly, through its account, or through "*".
 * NotPrincipal: the statement covers everyone not listed. A user is only excluded when both the
 * user's ARN and its account are listed, because IAM evaluates the request as both identities.
 */
export function matchPrincipal(statement: Statement, principal: Principal): PrincipalMatch | undefined {
  if (statement.principal) {
    const c = principalCoverage(statement.principal, principal);
    return c.exact ? 'exact' : c.any ? 'any' : c.account ? 'account' : undefined;
  }
  if (statement.notPrincipal) {
    const c = principalCoverage(statement.notPrincipal, principal);
    const excluded = c.any || (principal.kind === 'user' ? c.exact && c.account : c.exact);
    return excluded ? undefined : 'any';
  }
  return undefined;
}

export function matchAction(statement: Statement, action: string): boolean {
  if (statement.action) return statement.action.some((p) => actionMatch(p, action));
  if (statement.notAction) return !statement.notAction.some((p) => actionMatch(p, action));
  return false;
}

/** No Resource/NotResource (allowed in repository policies): the resource the policy is attached to. */
export function matchResource(statement: Statement, policy: Policy, resourceArn: string, lookup: ContextLookup): boolean {
  const variables = policy.version === '2012-10-17';
  const any = (patterns: string[]): boolean =>
    patterns.some((text) => {
      const p = substitute(text, lookup, variables);
      return p !== undefined && resourceMatch(p, resourceArn);
    });
  if (statement.resource) return any(statement.resource);
  if (statement.notResource) return !any(statement.notResource);
  return true;
}

export function matchConditions(statement: Statement, policy: Policy, lookup: ContextLookup): boolean {
  const variables = policy.version === '2012-10-17';
  return statement.conditions.every((c) => evaluateCondition(c, lookup, variables));
}
