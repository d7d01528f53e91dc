/** What the metadata conformance suites share: a clock origin, digests, and the code of a DomainError. */
import { DomainError } from '../../src/domain/errors.js';

export const t0 = new Date('2026-01-01T00:00:00Z');
export const at = (seconds: number): Date => new Date(t0.getTime() + seconds * 1000);
export const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

/** The code of the DomainError `promise` rejects with (fails when it fulfils or rejects otherwise). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  throw new Error('expected a DomainError');
}
