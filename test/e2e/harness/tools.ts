import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'vitest';
import { requireCondition } from '../../support/conditions.js';

export { isCI, requireCondition } from '../../support/conditions.js';

/** The absolute path of an executable on PATH, or undefined. */
export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Makes the test depend on real client tools. When one is missing the test fails under CI=true
 * (CI must exercise every client) and is skipped with a message naming the tool otherwise.
 */
export function requireTool(ctx: TestContext, ...names: string[]): void {
  const missing = names.filter((name) => findTool(name) === undefined);
  if (missing.length === 0) return;
  requireCondition(ctx, false, `${missing.join(', ')} not found on PATH; install ${missing.join(' and ')} (see .ci/run) to run this test`);
}
