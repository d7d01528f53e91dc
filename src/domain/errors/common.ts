import { DomainError } from './domain-error.js';

/** Codes any module may use: bad input, quotas, generic absence and conflict, Berth's own faults. */
export const COMMON_ERRORS = {
  InvalidParameter: 'A request parameter (or an operator-supplied setting) is malformed or out of range.',
  Validation: "The request is well formed but not allowed in the current configuration (ECR's ValidationException).",
  LimitExceeded: 'A quota was reached (access keys per user, scans per image per day).',
  NotFound: 'An identity-side entity is missing: an account, user, access key or user policy.',
  Conflict: 'The change collides with existing state (a taken name, a user that still has keys, a running garbage collection).',
  Internal: "Berth's own failure (unreadable stored secret or policy, lost lease); answered without its message.",
} as const;

export type CommonErrorCode = keyof typeof COMMON_ERRORS;

/** ECR's wording for a bad parameter: "Invalid parameter at '<member>' failed to satisfy constraint: '<constraint>'". */
export function invalidParameterMessage(member: string, constraint: string): string {
  return `Invalid parameter at '${member}' failed to satisfy constraint: '${constraint}'`;
}

export function invalidParameter(member: string, constraint: string): DomainError {
  return new DomainError('InvalidParameter', invalidParameterMessage(member, constraint));
}
