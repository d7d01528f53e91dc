/**
 * `npm start`, as a new user runs it: it compiles only when the sources changed since the last
 * build, and signals sent to npm reach the server, which shuts down gracefully and frees the port.
 *
 * It runs in a copy of the project whose node_modules holds a stand-in `tsc` that records each
 * run (the copy gets the real, already built dist/), so a build costs nothing here.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/build.js';
import { eventually } from '../support/eventually.js';
import { httpFetch } from '../support/http-fetch.js';
import { REPO_ROOT } from '../support/paths.js';
import { freePort } from '../support/ports.js';
import { removeDir, tempDir } from '../support/temp.js';

let project: string;
let dataDir: string;

/** A stand-in for TypeScript's tsc: records that it ran, exits with FAKE_TSC_EXIT (default 0). */
const FAKE_TSC = `#!/usr/bin/env node
require('node:fs').appendFileSync(require('node:path').join(__dirname, '..', '..', '..', 'tsc-runs'), 'run\\n');
process.exit(Number(process.env.FAKE_TSC_EXIT ?? 0));
`;

beforeAll(async () => {
  await ensureBuilt();
  project = await tempDir('npm-start');
  dataDir = await tempDir('npm-start-data');
  for (const entry of ['src', 'bin', 'scripts', 'dist', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
    cpSync(join(REPO_ROOT, entry), join(project, entry), { recursive: true, preserveTimestamps: true });
  }
  rmSync(join(project, 'dist', '.build-stamp'), { force: true });
  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, 'typescript', 'bin'), { recursive: true });
  mkdirSync(join(modules, '.bin'));
  for (const entry of readdirSync(join(REPO_ROOT, 'node_modules'))) {
    if (entry !== 'typescript' && entry !== '.bin') symlinkSync(join(REPO_ROOT, 'node_modules', entry), join(modules, entry));
  }
  writeFileSync(join(modules, 'typescript', 'package.json'), '{ "name": "typescript", "bin": { "tsc": "bin/tsc" } }\n');
  writeFileSync(join(modules, 'typescript', 'bin', 'tsc'), FAKE_TSC);
  chmodSync(join(modules, 'typescript', 'bin', 'tsc'), 0o755);
  symlinkSync('../typescript/bin/tsc', join(modules, '.bin', 'tsc'));
}, 600_000);

afterAll(async () => {
  for (const pid of serverPids()) process.kill(pid, 'SIGKILL');
  await removeDir(project);
  await removeDir(dataDir);
});

const tscRuns = () => (existsSync(join(project, 'tsc-runs')) ? readFileSync(join(project, 'tsc-runs'), 'utf8').split('\n').length - 1 : 0);

function buildIfChanged(env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/build-if-changed.mjs'], { cwd: project, env: { ...process.env, ...env } }, (err) =>
      resolve(err ? Number((err as { code?: number }).code ?? 1) : 0),
    );
  });
}

/** Gives a file another modification time (in the future: the check must not care which way it moved). */
function touch(path: string): void {
  const later = new Date(Date.now() + 60_000);
  utimesSync(path, later, later);
}

/** The `node bin/berth.js` processes running in the copy (found by their working directory). */
function serverPids(): number[] {
  if (!project) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) !== project) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (/(^|\/)node$/.test(argv[0]!) && argv[1] === 'bin/berth.js') pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `npm start` in the copy, on a free port, once it answers /healthz. */
async function npmStart(): Promise<{ port: number; npm: ChildProcess; exited: Promise<number | null>; output(): string; stop(): Promise<void> }> {
  const port = await freePort();
  const npm = spawn('npm', ['start'], {
    cwd: project,
    env: { ...process.env, BERTH_LISTEN: `127.0.0.1:${port}`, BERTH_DATA_DIR: dataDir, BERTH_AUTH_MODE: 'none', BERTH_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const healthy = async () => (await httpFetch(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 2_000 }).catch(() => undefined))?.status === 200;
  await eventually(async () => (await healthy()) || undefined, `npm start answering on port ${port}`, { timeoutMs: 60_000 });
  const stop = async () => {
    for (const pid of serverPids()) process.kill(pid, 'SIGTERM');
    await exited;
  };
  return { port, npm, exited, output: () => output, stop };
}

describe('npm start', () => {
  it('builds dist/ on the first start, then only when a source, a tsconfig or package.json changed', async () => {
    expect(await buildIfChanged()).toBe(0);
    expect(tscRuns()).toBe(1);
    expect(await buildIfChanged()).toBe(0);
    expect(tscRuns()).toBe(1);

    touch(join(project, 'src', 'cli', 'serve.ts'));
    expect(await buildIfChanged()).toBe(0);
    expect(tscRuns()).toBe(2);

    writeFileSync(join(project, 'src', 'util', 'added.ts'), 'export {};\n');
    expect(await buildIfChanged()).toBe(0);
    rmSync(join(project, 'src', 'util', 'added.ts'));
    expect(await buildIfChanged()).toBe(0);
    expect(tscRuns()).toBe(4);

    touch(join(project, 'tsconfig.json'));
    expect(await buildIfChanged()).toBe(0);
    expect(tscRuns()).toBe(5);

    // A failed build fails the start and is tried again next time.
    touch(join(project, 'package.json'));
    expect(await buildIfChanged({ FAKE_TSC_EXIT: '2' })).toBe(2);
    expect(await buildIfChanged()).toBe(0);
    expect(tscRuns()).toBe(7);
    expect(await buildIfChanged()).toBe(0);
    expect(tscRuns()).toBe(7);
  });

  it('starts the server without building when nothing changed', async () => {
    await buildIfChanged();
    const runsBefore = tscRuns();
    const started = await npmStart();
    expect(tscRuns()).toBe(runsBefore);
    await started.stop();
  });

  it('passes SIGTERM to the server, which shuts down gracefully and frees the port', async () => {
    const { port, npm, exited, output } = await npmStart();
    expect(serverPids().length).toBe(1);
    npm.kill('SIGTERM');
    const code = await exited;
    // Before, npm's shell died and the server, reparented to PID 1, kept the port.
    await eventually(async () => (!(await portOpen(port)) && serverPids().length === 0) || undefined, 'the server gone and the port free', { timeoutMs: 10_000 });
    expect(output()).toContain('"msg":"shutting down"');
    expect(code).toBe(0);
  });
});
