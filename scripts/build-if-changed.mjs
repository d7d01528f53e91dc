/**
 * Builds dist/ (tsc -p tsconfig.build.json) only when the sources changed since the last build:
 * `npm start` runs this, then the server, so a restart does not recompile (tsc takes a minute on a
 * busy machine; this check takes milliseconds).
 *
 *   node scripts/build-if-changed.mjs
 *
 * The sources are every file under src/ plus tsconfig.json, tsconfig.build.json, package.json and
 * package-lock.json; their names, sizes and modification times make a fingerprint, kept in
 * dist/.build-stamp after a successful build. Any difference (a file edited, added, removed or
 * renamed, even one stamped with a time in the past or the future) builds again. The fingerprint
 * is taken before tsc runs, so an edit made during the build is seen next time. A failed build
 * leaves the old stamp, so the next start tries again; the exit code is tsc's.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(ROOT, 'dist', '.build-stamp');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/** `path size mtime` of every file under `path`, in a stable order. */
function listing(path, lines = []) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return lines;
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path).sort()) listing(join(path, entry), lines);
  } else {
    lines.push(`${relative(ROOT, path)} ${stat.size} ${stat.mtimeMs}`);
  }
  return lines;
}

function fingerprint() {
  const hash = createHash('sha256');
  for (const input of INPUTS) for (const line of listing(join(ROOT, input))) hash.update(`${line}\n`);
  return hash.digest('hex');
}

function readStamp() {
  try {
    return readFileSync(STAMP, 'utf8').trim();
  } catch {
    return undefined;
  }
}

const sources = fingerprint();
const stamp = readStamp();
if (stamp !== sources) {
  process.stderr.write(`building dist/ (${stamp === undefined ? 'no build yet' : 'sources changed'}) …\n`);
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, `${sources}\n`);
}
