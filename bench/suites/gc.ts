import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { REPO_ROOT } from '../lib/paths.js';
import { peakRss } from '../lib/proc.js';
import { MB, median } from '../lib/stats.js';
import type { Row, Suite } from '../lib/types.js';

/**
 * Garbage collection over a registry with a million blobs, run the way an operator runs it:
 * `node bin/berth.js gc --data <dir> --json` as its own process beside the data.
 *
 * The data is generated straight into Berth's schema (created by Berth's own migrations): one
 * repository, N blob rows each linked to it, N/10 manifests each referencing 9 of them, so 90 % of
 * the blobs are live and 10 % are garbage past the grace period, plus N/1000 orphan files (no row,
 * old). Every blob has a file under storage/blobs/sha256/<xx>/<hex>, so the storage pass lists a
 * million real directory entries; the files are empty, because what GC costs per blob is metadata
 * work and a stat/unlink, not bytes (the "bytes freed" figure is therefore 0 and not reported).
 * The page cache is warm (the files were just created), as it is on a busy registry host.
 *
 * Each repetition puts the garbage back (rows, files, orphans) and times one full run: the mark
 * (anti-join over every blob row), the leased sweep of the garbage, the storage reconciliation over
 * every file, and the upload pass. A second run with nothing to free shows the steady-state cost.
 */
const suite: Suite = {
  name: 'gc',
  description: 'berth gc over 1,000,000 blobs (10 % garbage, 0.1 % orphan files): time and peak RSS',
  async run(ctx) {
    const launcher = join(REPO_ROOT, 'bin', 'berth.js');
    if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
      throw new Error('dist/ is missing: run `npm run bench` (which builds first) or `npm run build`');
    }
    const blobs = ctx.quick ? 50_000 : 1_000_000;
    const label = ctx.quick ? '50k' : '1M';
    const dataDir = join(ctx.workDir, 'data');
    const gc = (args: string[]) => runGc(launcher, dataDir, args, join(ctx.workDir, 'gc.log'));

    ctx.log('creating the schema with berth gc on an empty data directory');
    await gc(['--dry-run']);
    const started = Date.now();
    const layout = generate(dataDir, blobs, ctx.log);
    ctx.log(`generated ${blobs} blob rows and files in ${((Date.now() - started) / 1000).toFixed(0)} s`);

    const seconds: number[] = [];
    const rss: number[] = [];
    for (let rep = 1; rep <= 3; rep++) {
      if (rep > 1) addGarbage(dataDir, layout, rep);
      const run = await gc(['--grace', '1h']);
      check(run.summary, layout);
      seconds.push(run.seconds);
      rss.push(run.peakBytes / MB);
      ctx.log(`#${rep}: ${run.seconds.toFixed(1)} s, freed ${run.summary.blobsDeleted} blobs + ${run.summary.orphanFilesDeleted} orphans, peak RSS ${(run.peakBytes / MB).toFixed(0)} MB`);
    }
    const idle = await gc(['--grace', '1h']);
    if (idle.summary.blobsDeleted !== 0) throw new Error('a second run found more garbage');
    ctx.log(`nothing to free: ${idle.seconds.toFixed(1)} s, peak RSS ${(idle.peakBytes / MB).toFixed(0)} MB`);

    const rows: Row[] = [
      {
        metric: `gc ${label} blobs, frees ${layout.garbage} + ${layout.orphans} orphans`,
        unit: 's',
        berth: median(seconds),
        higherIsBetter: false,
        target: { kind: 'at-most', value: 120 },
        note: `runs ${seconds.map((s) => s.toFixed(1)).join(', ')} s; mark, leased sweep, storage reconciliation of every file, uploads`,
      },
      {
        metric: `gc ${label} blobs, peak RSS`,
        unit: 'MB',
        berth: Math.max(...rss),
        higherIsBetter: false,
        note: 'VmHWM of the `berth gc` process (start-up included), highest of the runs',
      },
      {
        metric: `gc ${label} blobs, nothing to free`,
        unit: 's',
        berth: idle.seconds,
        higherIsBetter: false,
        note: `the daily steady state; peak RSS ${(idle.peakBytes / MB).toFixed(0)} MB`,
      },
    ];
    return rows;
  },
};

export default suite;

interface Layout {
  blobs: number;
  garbage: number;
  orphans: number;
  /** Blob i is garbage when i % 10 === 9; manifests reference the others. */
  digestOf(i: number, generation?: number): string;
}

interface GcRun {
  seconds: number;
  peakBytes: number;
  summary: { blobsDeleted: number; orphanFilesDeleted: number; remainingBlobs: number; missingFiles: number };
}

function runGc(launcher: string, dataDir: string, args: string[], logFile: string): Promise<GcRun> {
  return new Promise((resolve, reject) => {
    const log = openSync(logFile, 'a');
    const started = performance.now();
    const child = spawn(process.execPath, [launcher, 'gc', '--data', dataDir, '--json', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, BERTH_CONFIG: '' },
      stdio: ['ignore', 'pipe', log],
    });
    closeSync(log);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    peakRss(child.pid!, () => exited).then(({ result: code, peakBytes }) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`berth gc exited with ${code}; see ${logFile}`));
      else resolve({ seconds, peakBytes, summary: JSON.parse(stdout) });
    }, reject);
  });
}

function check(summary: GcRun['summary'], layout: Layout): void {
  const expected = { blobsDeleted: layout.garbage, orphanFilesDeleted: layout.orphans, remainingBlobs: layout.blobs - layout.garbage, missingFiles: 0 };
  for (const [field, value] of Object.entries(expected)) {
    if (summary[field as keyof typeof expected] !== value) {
      throw new Error(`berth gc reported ${field} ${summary[field as keyof typeof expected]}, expected ${value}`);
    }
  }
}

const hex = (text: string) => createHash('sha256').update(text).digest('hex');
const DAY = 86_400_000;

function generate(dataDir: string, blobs: number, log: (message: string) => void): Layout {
  const layout: Layout = {
    blobs,
    garbage: Math.floor(blobs / 10),
    orphans: Math.floor(blobs / 1000),
    digestOf: (i, generation = 0) => `sha256:${hex(generation === 0 ? `blob-${i}` : `blob-${i}-gen-${generation}`)}`,
  };
  const db = new Database(join(dataDir, 'metadata.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const old = Date.now() - 2 * DAY;
  db.transaction(() => {
    const repository = db
      .prepare(`INSERT INTO repositories (account_id, name, created_at) VALUES ('000000000000', 'bench/gc', ?) RETURNING id`)
      .get(old) as { id: number };
    const blob = db.prepare('INSERT INTO blobs (digest, size, created_at) VALUES (?, ?, ?)');
    const link = db.prepare('INSERT INTO repository_blobs (repository_id, digest, created_at) VALUES (?, ?, ?)');
    const manifest = db.prepare(
      `INSERT INTO manifests (repository_id, digest, media_type, size, image_size, content, pushed_at)
       VALUES (?, ?, 'application/vnd.oci.image.manifest.v1+json', 2, 0, x'7b7d', ?) RETURNING id`,
    );
    const uses = db.prepare('INSERT INTO manifest_blobs (manifest_id, digest) VALUES (?, ?)');
    for (let group = 0; group < blobs / 10; group++) {
      const { id } = manifest.get(repository.id, `sha256:${hex(`manifest-${group}`)}`, old) as { id: number };
      for (let i = group * 10; i < group * 10 + 10; i++) {
        const digest = layout.digestOf(i);
        blob.run(digest, 1000 + (i % 5000), old);
        link.run(repository.id, digest, old);
        if (i % 10 !== 9) uses.run(id, digest);
      }
    }
  })();
  db.close();
  log('metadata written; creating files');
  for (let i = 0; i < blobs; i++) touch(dataDir, layout.digestOf(i));
  addOrphans(dataDir, layout, 0);
  return layout;
}

/** Puts a new generation of garbage back: rows and files for every tenth blob, and fresh orphans. */
function addGarbage(dataDir: string, layout: Layout, generation: number): void {
  const db = new Database(join(dataDir, 'metadata.db'));
  const old = Date.now() - 2 * DAY;
  db.transaction(() => {
    const repository = db.prepare(`SELECT id FROM repositories WHERE name = 'bench/gc'`).get() as { id: number };
    const blob = db.prepare('INSERT INTO blobs (digest, size, created_at) VALUES (?, ?, ?)');
    const link = db.prepare('INSERT INTO repository_blobs (repository_id, digest, created_at) VALUES (?, ?, ?)');
    for (let i = 9; i < layout.blobs; i += 10) {
      blob.run(layout.digestOf(i, generation), 1000, old);
      link.run(repository.id, layout.digestOf(i, generation), old);
    }
  })();
  db.close();
  for (let i = 9; i < layout.blobs; i += 10) touch(dataDir, layout.digestOf(i, generation));
  addOrphans(dataDir, layout, generation);
}

function addOrphans(dataDir: string, layout: Layout, generation: number): void {
  const twoDaysAgo = new Date(Date.now() - 2 * DAY);
  for (let i = 0; i < layout.orphans; i++) {
    const path = touch(dataDir, `sha256:${hex(`orphan-${i}-gen-${generation}`)}`);
    utimesSync(path, twoDaysAgo, twoDaysAgo);
  }
}

const madeDirs = new Set<string>();

function touch(dataDir: string, digest: string): string {
  const encoded = digest.slice('sha256:'.length);
  const dir = join(dataDir, 'storage', 'blobs', 'sha256', encoded.slice(0, 2));
  if (!madeDirs.has(dir)) {
    mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const path = join(dir, encoded);
  closeSync(openSync(path, 'w'));
  return path;
}
