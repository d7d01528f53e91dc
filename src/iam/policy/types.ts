/** A policy document after parsing and validation. */
export type PolicyVersion = '2012-10-17' | '2008-10-17';
export type Effect = 'Allow' | 'Deny';

/** Who a resource-policy statement names. `any` is Principal "*" or {"AWS": "*"}. */
export interface PrincipalSpec {
  any: boolean;
  /** Account ids, account root ARNs and IAM ARNs, as written. */
  aws: string[];
  service: string[];
  federated: string[];
  canonicalUser: string[];
}

export type SetQualifier = 'ForAllValues' | 'ForAnyValue';

export interface ConditionEntry {
  /** As written, e.g. "ForAnyValue:StringLikeIfExists". */
  operator: string;
  /** The operator without qualifier or IfExists, e.g. "StringLike". */
  base: string;
  qualifier?: SetQualifier;
  ifExists: boolean;
  /** As written; looked up case-insensitively. */
  key: string;
  /** Policy values, normalised to strings (true -> "true", 5 -> "5"). */
  values: string[];
}

export interface Statement {
  /** Position in the document, for reporting. */
  index: number;
  sid?: string;
  effect: Effect;
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  conditions: ConditionEntry[];
}

export interface Policy {
  version: PolicyVersion;
  id?: string;
  statements: Statement[];
}

/** Identity policies ("inline" or "managed") are attached to a user; resource policies to a repository or registry. */
export type PolicyKind = 'identity' | 'resource';

/** Values a request-context key can hold; arrays are multi-valued keys such as aws:TagKeys. */
export type ContextValue = string | number | boolean | Date | readonly string[];
export type ContextInput = Readonly<Record<string, ContextValue | undefined>>;
