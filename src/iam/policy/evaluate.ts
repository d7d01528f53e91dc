import type { Principal } from '../principal.js';
import { contextLookup, principalContext } from './context.js';
import { matchAction, matchConditions, matchPrincipal, matchResource, type PrincipalMatch } from './match.js';
import type { ContextInput, Effect, Policy } from './types.js';
import type { ContextLookup } from './variables.js';

/*
 * IAM's evaluation logic for Berth's three policy sources. Hand-written: the Node IAM simulators
 * (e.g. @cloud-copilot/iam-simulate) evaluate AWS's own principals and service catalogue, while
 * Berth needs its own principal model and ECR's registry-policy rules.
 *
 * 1. An explicit Deny in any applicable statement of any source wins.
 * 2. Anonymous callers are allowed only by resource-side statements with Principal "*".
 * 3. The resource account's root is allowed (it has no identity policies to limit it).
 * 4. Same account: an identity-policy Allow, or a resource-side Allow naming the caller itself
 *    (its ARN) or "*". A resource policy naming only the account delegates to IAM: it does not by
 *    itself let a user in.
 * 5. Cross account: the caller's side must allow (its identity policies; a root counts as allowed)
 *    AND a resource-side Allow must cover the caller (its ARN, its account, or "*").
 *
 * The resource side is the repository policy plus the registry policy. With the V2 registry
 * policy scope (ECR's default), the registry policy applies to every ECR action and is read as a
 * second resource-based policy of the owning account: its Deny statements deny, its Allow
 * statements count exactly like repository-policy Allows. With scope V1 it applies only to
 * ecr:ReplicateImage, ecr:BatchImportUpstreamImage and ecr:CreateRepository.
 */

export interface AuthorizationRequest {
  principal: Principal;
  /** e.g. "ecr:BatchGetImage" */
  action: string;
  /** The repository ARN, or "*" for registry-level actions. */
  resourceArn: string;
  resourceAccountId: string;
  /** Condition keys (see requestContext); principal keys are derived from `principal`. */
  context?: ContextInput;
}

export interface NamedPolicy {
  name?: string;
  policy: Policy;
}

export interface PolicySources {
  /** The caller's identity policies (ignored for root and anonymous callers). */
  identityPolicies?: ReadonlyArray<Policy | NamedPolicy>;
  /** The repository policy of the target repository. */
  resourcePolicy?: Policy;
  /** The registry policy of the resource account. */
  registryPolicy?: Policy;
  registryPolicyScope?: 'V1' | 'V2';
}

export type PolicySource = 'identity' | 'repository' | 'registry';
export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface MatchedStatement {
  source: PolicySource;
  policyName?: string;
  sid?: string;
  /** Position of the statement in its policy. */
  index: number;
  effect: Effect;
}

export interface EvaluationResult {
  decision: Decision;
  /** The Deny statements behind an ExplicitDeny, or the Allow statements behind an Allow. */
  matched: MatchedStatement[];
  /** What was missing, for AccessDenied messages. */
  denial?: 'explicit-identity' | 'explicit-resource' | 'no-identity-allow' | 'no-resource-allow';
}

const V1_REGISTRY_ACTIONS = ['ecr:replicateimage', 'ecr:batchimportupstreamimage', 'ecr:createrepository'];

interface Hit extends MatchedStatement {
  coverage?: PrincipalMatch;
}

export function evaluate(request: AuthorizationRequest, sources: PolicySources): EvaluationResult {
  const { principal } = request;
  const lookup = contextLookup(request.context ?? {}, principalContext(principal));
  const hits: Hit[] = [];

  if (principal.kind === 'user') {
    for (const entry of sources.identityPolicies ?? []) {
      const named = 'statements' in entry ? { policy: entry } : entry;
      collect(hits, 'identity', named.policy, named.name, request, lookup, false);
    }
  }
  if (sources.resourcePolicy) collect(hits, 'repository', sources.resourcePolicy, undefined, request, lookup, true);
  const registryApplies =
    (sources.registryPolicyScope ?? 'V2') === 'V2' || V1_REGISTRY_ACTIONS.includes(request.action.toLowerCase());
  if (sources.registryPolicy && registryApplies) {
    collect(hits, 'registry', sources.registryPolicy, undefined, request, lookup, true);
  }

  const denies = hits.filter((h) => h.effect === 'Deny');
  if (denies.length > 0) {
    const denial = denies.some((d) => d.source === 'identity') ? 'explicit-identity' : 'explicit-resource';
    return { decision: 'ExplicitDeny', matched: denies.map(strip), denial };
  }
  const identityAllows = hits.filter((h) => h.source === 'identity');
  const resourceAllows = hits.filter((h) => h.source !== 'identity');
  const allow = (matched: Hit[]): EvaluationResult => ({ decision: 'Allow', matched: matched.map(strip) });
  const implicit = (denial: EvaluationResult['denial']): EvaluationResult => ({ decision: 'ImplicitDeny', matched: [], ...(denial ? { denial } : {}) });

  if (principal.kind === 'anonymous') {
    const publicAllows = resourceAllows.filter((h) => h.coverage === 'any');
    return publicAllows.length > 0 ? allow(publicAllows) : implicit('no-resource-allow');
  }
  if (principal.accountId === request.resourceAccountId) {
    if (principal.kind === 'root') return allow([]);
    const direct = resourceAllows.filter((h) => h.coverage === 'exact' || h.coverage === 'any');
    if (identityAllows.length > 0 || direct.length > 0) return allow([...identityAllows, ...direct]);
    return implicit('no-identity-allow');
  }
  const callerSide = principal.kind === 'root' || identityAllows.length > 0;
  if (!callerSide) return implicit('no-identity-allow');
  if (resourceAllows.length === 0) return implicit('no-resource-allow');
  return allow([...identityAllows, ...resourceAllows]);
}

function collect(
  hits: Hit[],
  source: PolicySource,
  policy: Policy,
  policyName: string | undefined,
  request: AuthorizationRequest,
  lookup: ContextLookup,
  resourceSide: boolean,
): void {
  for (const statement of policy.statements) {
    const coverage = resourceSide ? matchPrincipal(statement, request.principal) : undefined;
    if (resourceSide && !coverage) continue;
    if (!matchAction(statement, request.action)) continue;
    if (!matchResource(statement, policy, request.resourceArn, lookup)) continue;
    if (!matchConditions(statement, policy, lookup)) continue;
    hits.push({
      source,
      ...(policyName !== undefined ? { policyName } : {}),
      ...(statement.sid !== undefined ? { sid: statement.sid } : {}),
      index: statement.index,
      effect: statement.effect,
      ...(coverage ? { coverage } : {}),
    });
  }
}

function strip({ coverage: _c, ...m }: Hit): MatchedStatement {
  return m;
}
