/**
 * The real `berth` process, as a user starts it: a log that cannot be written (a pipe nobody
 * reads, a full disk) costs log lines, never the registry; generated root credentials are shown
 * even when the start then fails on the port; `berth --version`.
 */
import { execFile } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireCondition } from '../support/conditions.js';
import { type BerthServer, startBerth } from '../support/berth-process.js';
import { ensureBuilt } from '../support/build.js';
import { eventually } from '../support/eventually.js';
import { httpFetch } from '../support/http-fetch.js';
import { BERTH_BIN, REPO_ROOT } from '../support/paths.js';
import { removeDir, tempDir } from '../support/temp.js';
import { type Tmpfs, isRoot, mountTmpfs } from '../support/tmpfs.js';

beforeAll(async () => {
  await ensureBuilt();
}, 600_000);

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dataDir(): Promise<string> {
  const dir = await tempDir('process');
  cleanups.push(() => removeDir(dir));
  return dir;
}

async function berth(options: Parameters<typeof startBerth>[0]): Promise<BerthServer> {
  const server = await startBerth(options);
  cleanups.push(() => server.stop(5_000));
  return server;
}

/** The environment without the developer's BERTH_* settings. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BERTH_')));
  return { ...env, ...extra };
}

function runBerth(args: string[], env = cleanEnv()): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BERTH_BIN, ...args], { cwd: REPO_ROOT, env, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `count` GET /v2/ requests one after the other, each with a long URL (so a long access-log line); returns the slowest in ms. */
async function requests(server: BerthServer, count: number): Promise<number> {
  const pad = 'x'.repeat(8000);
  let slowest = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await httpFetch(`${server.url}/v2/?pad=${pad}`, { timeoutMs: 5_000 });
    expect(response.status).toBe(200);
    slowest = Math.max(slowest, performance.now() - started);
  }
  return slowest;
}

const droppedNotices = (records: Record<string, unknown>[]) => records.filter((r) => typeof r.droppedLines === 'number');

describe('a log that cannot be written', () => {
  it('costs log lines, not requests, while nobody reads the stdout pipe; the loss is reported once it is read again', async () => {
    const server = await berth({ dataDir: await dataDir(), stdout: 'unread' });
    // ~2.4 MB of access log into a pipe that holds 64 KiB: sonic-boom froze the server here,
    // retrying write(1) every 100 ms for as long as nobody read.
    expect(await requests(server, 300)).toBeLessThan(1_000);
    expect(server.running()).toBe(true);

    server.readStdout();
    const notice = await eventually(async () => droppedNotices(server.logRecords())[0], 'a log line saying how many lines were dropped');
    expect(notice).toMatchObject({ level: 40, msg: 'log lines dropped while the log could not be written' });
    expect(notice.droppedLines).toBeGreaterThan(0);
    expect((await httpFetch(`${server.url}/v2/`)).status).toBe(200);
  });

  it('does not hold up a shutdown while nobody reads the stdout pipe', async () => {
    const server = await berth({ dataDir: await dataDir(), stdout: 'unread' });
    await requests(server, 100);
    // sonic-boom's exit handler flushed synchronously, retrying write(1) every 100 ms forever.
    const started = performance.now();
    expect(await server.stop(15_000)).toBe(0);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('costs log lines, not the server, on a full disk; the loss is reported once there is space again', async (ctx) => {
    requireCondition(ctx, isRoot(), 'mounting a small tmpfs to fill needs root');
    const tmpfs: Tmpfs = await mountTmpfs(4096);
    cleanups.push(() => tmpfs.unmount());
    const logFile = join(tmpfs.dir, 'berth.log');
    const fd = openSync(logFile, 'a');
    cleanups.push(() => closeSync(fd));
    tmpfs.fill();

    // pino crashed here on its first line: an unhandled 'error' event (ENOSPC).
    const server = await berth({ dataDir: await dataDir(), stdout: fd });
    expect(await requests(server, 200)).toBeLessThan(1_000);
    expect(server.running()).toBe(true);

    tmpfs.free();
    await eventually(async () => readFileSync(logFile, 'utf8').includes('"droppedLines"') || undefined, 'the dropped-lines notice in the log file');
    const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n');
    // Whole JSON lines only: the lines held while the disk was full, then the notice.
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(droppedNotices(records)[0]!.droppedLines).toBeGreaterThan(0);
    expect((await httpFetch(`${server.url}/v2/`)).status).toBe(200);
  });
});

describe('root credentials generated by a start that fails on the port', () => {
  let occupied: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (occupied ? occupied.close(resolve) : resolve(undefined)));
    occupied = undefined;
  });

  it('are shown by that start, since no later start will show them', async () => {
    occupied = createServer();
    const port = await new Promise<number>((resolve) => occupied!.listen(0, '127.0.0.1', () => resolve((occupied!.address() as { port: number }).port)));
    const data = await dataDir();

    const failed = await runBerth(['serve', '--listen', `127.0.0.1:${port}`, '--data', data]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('EADDRINUSE');
    const secret = /aws_secret_access_key = (\S+)/.exec(readFileSync(join(data, 'root-credentials'), 'utf8'))![1]!;
    expect(failed.stderr).toContain(`aws_secret_access_key = ${secret}`);

    // The credentials are stored now: the next start has nothing to show.
    const next = await berth({ dataDir: data, env: { BERTH_AUTH_MODE: 'iam' } });
    expect(next.logs()).not.toContain('aws_secret_access_key');
    // No publicUrl: it says where repository URIs come from.
    expect(next.logRecords().map((r) => r.msg)).toContain("no publicUrl set: repository URIs use each request's Host header");
  });
});

describe('the berth launcher', () => {
  it('prints the version in package.json for --version', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runBerth(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('says to build first when dist/ is missing', async () => {
    const copy = await dataDir();
    mkdirSync(join(copy, 'bin'));
    copyFileSync(BERTH_BIN, join(copy, 'bin', 'berth.js'));
    writeFileSync(join(copy, 'package.json'), '{ "type": "module" }\n');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [join(copy, 'bin', 'berth.js'), '--version'], (_err, _stdout, stderr) => resolve({ code: child.exitCode, stderr }));
    });
    expect(result).toEqual({ code: 1, stderr: `berth is not built yet: run \`npm run build\` (or \`npm start\`) in ${copy}/ first\n` });
  });
});
