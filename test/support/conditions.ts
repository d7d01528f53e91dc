import type { TestContext } from 'vitest';

/** CI=true turns a missing prerequisite from a skip into a failure: CI must really run every test. */
export function isCI(): boolean {
  return /^(1|true|yes)$/i.test(process.env.CI ?? '');
}

/**
 * Makes the test depend on a prerequisite (root, a running dockerd, a client tool): when it is not
 * met the test fails under CI=true and is skipped with `message` otherwise.
 */
export function requireCondition(ctx: TestContext, ok: boolean, message: string): void {
  if (ok) return;
  if (isCI()) throw new Error(`CI=true and ${message}`);
  ctx.skip(message);
}
