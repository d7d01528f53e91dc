import type { Principal } from '../principal.js';
import type { AuthorizationRequest, EvaluationResult } from './evaluate.js';

/**
 * The AccessDeniedException message AWS writes, e.g. "User: arn:aws:iam::111122223333:user/alice
 * is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:...:repository/app
 * because no identity-based policy allows the ecr:BatchGetImage action".
 */
export function accessDeniedMessage(request: AuthorizationRequest, result: EvaluationResult): string {
  const head = `User: ${callerName(request.principal)} is not authorized to perform: ${request.action} on resource: ${request.resourceArn}`;
  switch (result.denial) {
    case 'explicit-identity':
      return `${head} with an explicit deny in an identity-based policy`;
    case 'explicit-resource':
      return `${head} with an explicit deny in a resource-based policy`;
    case 'no-resource-allow':
      return `${head} because no resource-based policy allows the ${request.action} action`;
    default:
      return `${head} because no identity-based policy allows the ${request.action} action`;
  }
}

function callerName(principal: Principal): string {
  return principal.kind === 'anonymous' ? 'anonymous' : principal.arn;
}
