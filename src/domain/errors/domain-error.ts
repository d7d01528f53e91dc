import type { DomainErrorCode } from './codes.js';

/**
 * A failure with a stable code and no transport detail. Each adapter owns one catalogue that maps
 * every code to its wire form (src/api/oci/errors.ts, src/api/ecr/errors.ts), so a service never
 * knows which adapter called it. Build the common ones with the factories in this folder.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Structured detail for the wire (e.g. the OCI error `detail` field). Never secrets. */
    readonly detail?: Record<string, unknown>,
    /** What caused it (logged, never sent). */
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

export function isDomainError(err: unknown, code?: DomainErrorCode): err is DomainError {
  return err instanceof DomainError && (code === undefined || err.code === code);
}
