import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

/**
 * Tests that run the real process (bin/berth.js loads dist/) call this first: the e2e project's
 * global setup, and the few other tests that start `berth` as a user would. `npm test` builds
 * first; when the tests run alone and dist/ is missing or older than src/, build it here. Type
 * errors are the typecheck step's business: tsc still emits, and the tests judge what runs.
 */
export async function ensureBuilt(): Promise<void> {
  const entry = join(REPO_ROOT, 'dist', 'cli', 'main.js');
  // Test files run in parallel workers: one builds, the others wait for it (dist/ may look fresh
  // while tsc is still writing it) and then find it fresh.
  if (isFresh(entry) && !existsSync(LOCK)) return;
  await withBuildLock(async () => {
    if (!isFresh(entry)) await build(entry);
  });
}

async function build(entry: string): Promise<void> {
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
  if (!isFresh(entry)) {
    throw new Error(`building dist/ failed (tsc exited with ${result.code}):\n${result.stdout.slice(-4000)}${result.stderr.slice(-2000)}`);
  }
  if (result.code !== 0) {
    process.stderr.write(`warning: tsc reported type errors while building dist/ for the tests:\n${result.stdout.slice(-2000)}\n`);
  }
}

const LOCK = join(tmpdir(), `berth-build-${createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 12)}.lock`);

async function withBuildLock(fn: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock older than a build can take was left by a killed run.
      if (Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 600_000) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
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
