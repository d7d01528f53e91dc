import type { ZodError } from 'zod';

/** A zod error as one line naming each offending field: `payload.digest: Required; tags.0: Expected string`. */
export function describeIssues(error: ZodError, prefix?: string): string {
  return error.issues
    .map((issue) => {
      const path = [...(prefix ? [prefix] : []), ...issue.path].join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
