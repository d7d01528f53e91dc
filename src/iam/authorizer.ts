import type { Logger } from '../util/logger.js';
import { DomainError } from '../domain/errors.js';
import type { MetadataStore } from '../metadata/store.js';
import type { Principal, RequestFacts } from './principal.js';
import { principalName } from './principals.js';
import { PolicyCache } from './policy-cache.js';
import {
  accessDeniedMessage,
  evaluate,
  repositoryArn,
  requestContext,
  type AuthorizationRequest,
  type EvaluationResult,
  type NamedPolicy,
  type Policy,
  type PolicySources,
} from './policy/index.js';
import { PUBLIC_PULL_ACTIONS, REGISTRY_POLICY_SCOPE } from './account-settings.js';

/** What a request acts on. */
export type AccessResource =
  | { kind: 'repository'; accountId: string; name: string }
  /** Every repository of an account (listing them): arn:…:repository/* */
  | { kind: 'repositories'; accountId: string }
  /** The registry itself (GetAuthorizationToken, registry policy, settings): resource "*". */
  | { kind: 'registry'; accountId: string };

export interface AccessCheck {
  principal: Principal;
  /** Every action must be allowed. */
  actions: readonly string[];
  resource: AccessResource;
  facts: RequestFacts;
  /** What the caller asked for, for the audit log: "ecr:PutImage" or "v2:manifest.put". */
  operation: string;
  /** Tags the request sets (CreateRepository, TagResource), for aws:RequestTag conditions. */
  requestTags?: Readonly<Record<string, string>>;
}

export interface AccessDecision {
  allowed: boolean;
  resourceArn: string;
  /** The first action refused, with the AWS-style message saying why. */
  refused?: { action: string; message: string; result: EvaluationResult };
}

/**
 * The one authorization function for both APIs: gathers the caller's identity policies, the
 * repository policy (plus the statement a repository marked public implies) and the registry
 * policy of the resource's account, and evaluates them with IAM's rules (src/iam/policy). Every
 * refusal is logged as an audit record (who, what, on what, which rule), never with credentials.
 */
export class Authorizer {
  private readonly policies = new PolicyCache();

  constructor(
    private readonly deps: {
      store: Pick<MetadataStore, 'iam' | 'registry' | 'repositoryTags'>;
      region: string;
      log: Logger;
    },
  ) {}

  resourceArn(resource: AccessResource): string {
    switch (resource.kind) {
      case 'repository':
        return repositoryArn(this.deps.region, resource.accountId, resource.name);
      case 'repositories':
        return repositoryArn(this.deps.region, resource.accountId, '*');
      case 'registry':
        return '*';
    }
  }

  async decide(check: AccessCheck): Promise<AccessDecision> {
    const resourceArn = this.resourceArn(check.resource);
    const { sources, resourceTags } = await this.sources(check.principal, check.resource);
    const context = requestContext({
      facts: check.facts,
      ...(resourceTags ? { resourceTags } : {}),
      ...(check.requestTags ? { requestTags: check.requestTags } : {}),
    });
    for (const action of check.actions) {
      const request: AuthorizationRequest = {
        principal: check.principal,
        action,
        resourceArn,
        resourceAccountId: check.resource.accountId,
        context,
      };
      const result = evaluate(request, sources);
      if (result.decision !== 'Allow') {
        return { allowed: false, resourceArn, refused: { action, message: accessDeniedMessage(request, result), result } };
      }
    }
    return { allowed: true, resourceArn };
  }

  /** Throws AccessDenied (with AWS's message) unless every action is allowed. */
  async authorize(check: AccessCheck): Promise<void> {
    const decision = await this.decide(check);
    if (decision.allowed) return;
    const { action, message, result } = decision.refused!;
    this.deps.log.info(
      {
        audit: 'access-denied',
        principal: principalName(check.principal),
        operation: check.operation,
        action,
        resource: decision.resourceArn,
        decision: result.decision,
        denial: result.denial,
        statements: result.matched.map((m) => ({ source: m.source, sid: m.sid, index: m.index, policy: m.policyName })),
        sourceIp: check.facts.sourceIp,
        requestId: check.facts.requestId,
      },
      'access denied',
    );
    throw new DomainError('AccessDenied', message);
  }

  /** The policies that apply, and the repository's resource tags (for aws:ResourceTag conditions). */
  private async sources(principal: Principal, resource: AccessResource): Promise<{ sources: PolicySources; resourceTags?: Record<string, string> }> {
    const { iam, registry, repositoryTags } = this.deps.store;
    const sources: PolicySources = {};
    let resourceTags: Record<string, string> | undefined;
    if (principal.kind === 'user') {
      const stored = await iam.listUserPolicies(principal.accountId, principal.userName);
      sources.identityPolicies = stored.map((p): NamedPolicy => ({ name: p.name, policy: this.policies.get(p.document, 'identity') }));
    }
    if (resource.kind === 'repository') {
      const repository = await registry.getRepository(resource.accountId, resource.name);
      if (repository) {
        resourceTags = Object.fromEntries((await repositoryTags.getRepositoryTags(repository.id)).map((t) => [t.key, t.value]));
        const text = await iam.getRepositoryPolicy(repository.id);
        const policy = text !== undefined ? this.policies.get(text, 'resource') : undefined;
        const combined = repository.public ? withPublicPull(policy) : policy;
        if (combined) sources.resourcePolicy = combined;
      }
    }
    const [registryText, scope] = await Promise.all([
      iam.getRegistryPolicy(resource.accountId),
      iam.getAccountSetting(resource.accountId, REGISTRY_POLICY_SCOPE.name),
    ]);
    if (registryText !== undefined) sources.registryPolicy = this.policies.get(registryText, 'resource');
    sources.registryPolicyScope = scope === 'V1' ? 'V1' : 'V2';
    return { sources, ...(resourceTags ? { resourceTags } : {}) };
  }
}

/** A repository marked public reads as if its policy also let everyone pull. */
function withPublicPull(policy: Policy | undefined): Policy {
  const statement: Policy['statements'][number] = {
    index: policy?.statements.length ?? 0,
    sid: 'BerthPublicRepository',
    effect: 'Allow',
    principal: { any: true, aws: [], service: [], federated: [], canonicalUser: [] },
    action: [...PUBLIC_PULL_ACTIONS],
    conditions: [],
  };
  return { version: policy?.version ?? '2012-10-17', ...(policy?.id ? { id: policy.id } : {}), statements: [...(policy?.statements ?? []), statement] };
}
