export { parsePolicy, validatePolicy } from './parse.js';
export {
  evaluate,
  type AuthorizationRequest,
  type Decision,
  type EvaluationResult,
  type MatchedStatement,
  type NamedPolicy,
  type PolicySource,
  type PolicySources,
} from './evaluate.js';
export { accessDeniedMessage } from './denial.js';
export { requestContext, type ContextParts } from './context.js';
export {
  ECR_ACTIONS,
  ECR_OPERATIONS,
  authorizationForOperation,
  authorizationForV2,
  canonicalEcrAction,
  type EcrOperation,
  type OperationAuthorization,
  type V2Authorization,
  type V2RouteKind,
} from './actions.js';
export {
  accountRootArn,
  isAccountId,
  parseArn,
  parseRepositoryArn,
  repositoryArn,
  userArn,
  type Arn,
} from './arn.js';
export type { ConditionEntry, ContextInput, ContextValue, Effect, Policy, PolicyKind, PolicyVersion, PrincipalSpec, Statement } from './types.js';
