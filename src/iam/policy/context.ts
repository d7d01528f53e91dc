import type { Principal, RequestFacts } from '../principal.js';
import type { ContextLookup } from './variables.js';
import type { ContextInput, ContextValue } from './types.js';

/**
 * The request context policies read through Condition keys and ${...} variables. Key names are
 * case-insensitive, as in IAM. Principal keys are derived from the authenticated principal by the
 * evaluator itself, so a caller-supplied context cannot impersonate another principal.
 */
export function principalContext(principal: Principal): Record<string, ContextValue> {
  switch (principal.kind) {
    case 'anonymous':
      return { 'aws:PrincipalType': 'Anonymous', 'aws:userid': 'anonymous', 'aws:PrincipalIsAWSService': false };
    case 'root':
      return {
        'aws:PrincipalType': 'Account',
        'aws:PrincipalAccount': principal.accountId,
        'aws:PrincipalArn': principal.arn,
        'aws:userid': principal.accountId,
        'aws:PrincipalIsAWSService': false,
      };
    case 'user':
      return {
        'aws:PrincipalType': 'User',
        'aws:PrincipalAccount': principal.accountId,
        'aws:PrincipalArn': principal.arn,
        'aws:username': principal.userName,
        'aws:userid': principal.userId,
        'aws:PrincipalIsAWSService': false,
      };
  }
}

export interface ContextParts {
  facts?: Partial<RequestFacts>;
  /** Tags on the repository: aws:ResourceTag/<key> and ecr:ResourceTag/<key>. */
  resourceTags?: Readonly<Record<string, string>>;
  /** Tags the request sets (CreateRepository, TagResource): aws:RequestTag/<key> and aws:TagKeys. */
  requestTags?: Readonly<Record<string, string>>;
  /** Anything else, e.g. service keys; these override the derived ones. */
  extra?: ContextInput;
}

/** Builds the non-principal part of the context from what the adapter knows about the request. */
export function requestContext(parts: ContextParts): Record<string, ContextValue> {
  const ctx: Record<string, ContextValue> = {};
  const f = parts.facts ?? {};
  const now = f.now ?? new Date();
  ctx['aws:CurrentTime'] = now;
  ctx['aws:EpochTime'] = Math.floor(now.getTime() / 1000);
  if (f.sourceIp !== undefined) ctx['aws:SourceIp'] = f.sourceIp;
  if (f.secureTransport !== undefined) ctx['aws:SecureTransport'] = f.secureTransport;
  if (f.userAgent !== undefined) ctx['aws:UserAgent'] = f.userAgent;
  if (f.requestId !== undefined) ctx['aws:RequestId'] = f.requestId;
  for (const [k, v] of Object.entries(parts.resourceTags ?? {})) {
    ctx[`aws:ResourceTag/${k}`] = v;
    ctx[`ecr:ResourceTag/${k}`] = v;
  }
  if (parts.requestTags) {
    for (const [k, v] of Object.entries(parts.requestTags)) ctx[`aws:RequestTag/${k}`] = v;
    ctx['aws:TagKeys'] = Object.keys(parts.requestTags);
  }
  for (const [k, v] of Object.entries(parts.extra ?? {})) if (v !== undefined) ctx[k] = v;
  return ctx;
}

function toStrings(v: ContextValue): string[] {
  if (typeof v === 'string') return [v];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  if (v instanceof Date) return [v.toISOString().replace(/\.\d{3}Z$/, 'Z')];
  return [...v];
}

/** Later inputs win; keys compare case-insensitively. */
export function contextLookup(...inputs: ContextInput[]): ContextLookup {
  const map = new Map<string, string[]>();
  for (const input of inputs) {
    for (const [k, v] of Object.entries(input)) {
      if (v !== undefined) map.set(k.toLowerCase(), toStrings(v));
    }
  }
  return (key) => map.get(key.toLowerCase());
}
