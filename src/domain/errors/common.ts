import { DomainError } from './domain-error.js';

/** Codes any module may use: bad input, quotas, generic absence and conflict, Berth's own faults. */
export const COMMON_ERRORS = {
  InvalidParameter: 'A request parameter (or an operator-supplied setting) is malformed or out of range.',
  Validation: "The request is well formed but not allowed in the current configuration (ECR's ValidationException).",
  LimitExceeded: 'A quota was reached (access keys per user, scans per image per day).',
  NotFound: 'An identity-side entity is missing: an account, user, access key or user policy.',
  Conflict: 'The change collides with existing state (a taken name, a user that still has keys, a running garbage collection).',
  Internal: "Berth's own failure (unreadable stored secret or policy, lost lease); answered without its message.",
  StorageFull: 'The disk (or quota) holding blob storage or the metadata database is full; writes succeed again once space is freed.',
} as const;

export type CommonErrorCode = keyof typeof COMMON_ERRORS;

/** ECR's wording for a bad parameter: "Invalid parameter at '<member>' failed to satisfy constraint: '<constraint>'". */
export function invalidParameterMessage(member: string, constraint: string): string {
  return `Invalid parameter at '${member}' failed to satisfy constraint: '${constraint}'`;
}

export function invalidParameter(member: string, constraint: string): DomainError {
  return new DomainError('InvalidParameter', invalidParameterMessage(member, constraint));
}

/**
 * The system's ways of saying "no space left": a full disk, an exhausted quota, SQLite unable to
 * grow its files, PostgreSQL's disk_full (SQLSTATE 53100).
 */
const STORAGE_FULL_CODES: ReadonlySet<unknown> = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100']);

/** Whether `err` (or what it wraps, as `cause`) is a full disk or quota. */
export function isStorageFullCause(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (STORAGE_FULL_CODES.has((e as NodeJS.ErrnoException).code)) return true;
  }
  return false;
}

/** A write failed for want of space; the message is the same whatever ran out (the cause is logged). */
export function storageFull(cause?: unknown): DomainError {
  return new DomainError('StorageFull', 'storage full: the registry has no space left to store this; retry once space is freed', undefined, { cause });
}

/** `err` as the domain error a client is answered with: itself, StorageFull for a full disk, else undefined. */
export function asDomainError(err: unknown): DomainError | undefined {
  if (err instanceof DomainError) return err;
  return isStorageFullCause(err) ? storageFull(err) : undefined;
}
