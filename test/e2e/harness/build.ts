import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/paths.js';
import { runCommand } from './run.js';

/**
 * The e2e tests run the built server (bin/berth.js loads dist/). `npm test` builds first; when the
 * e2e project runs alone and dist/ is missing or older than src/, build it here. Type errors are
 * the typecheck step's business: tsc still emits, and the tests judge what runs.
 */
export async function ensureBuilt(): Promise<void> {
  const entry = join(REPO_ROOT, 'dist', 'cli', 'main.js');
  if (isFresh(entry)) return;
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await runCommand(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, timeoutMs: 300_000 });
  if (!isFresh(entry)) {
    throw new Error(`building dist/ failed (tsc exited with ${result.code}):\n${result.stdout.slice(-4000)}${result.stderr.slice(-2000)}`);
  }
  if (result.code !== 0) {
    process.stderr.write(`warning: tsc reported type errors while building dist/ for the e2e tests:\n${result.stdout.slice(-2000)}\n`);
  }
}

function isFresh(entry: string): boolean {
  return existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(join(REPO_ROOT, 'src'));
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
