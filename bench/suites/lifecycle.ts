import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { REPO_ROOT } from '../lib/paths.js';
import { peakRss } from '../lib/proc.js';
import { MB, median, spread } from '../lib/stats.js';
import type { Row, Suite } from '../lib/types.js';

/**
 * Lifecycle policy evaluation over one repository of 100,000 images (ECR's default per-repository
 * image quota), end to end: load every image's facts from SQLite in one streaming query, evaluate a
 * five-rule policy (expire by count and age, archive by last pull, expire from the archive), as
 * `berth lifecycle run --dry-run` does, in a fresh process per repetition so the time and the peak
 * RSS include start-up.
 *
 * The images are written straight into Berth's schema (created by Berth's own migrations): tags by
 * i % 4 (untagged · release-i · feature-i + sha-i · dev-i), push times one every 5 minutes back from
 * now, a pull for every 3rd image, every 50th image archived, and 100 indexes of 2 children each, so
 * every part of the evaluation (tag matching, the three clocks, the manifest-list guard) has work.
 *
 * A second measurement runs the same load + evaluate in-process (from dist/) and reports each phase,
 * plus storing the decisions as a preview's results (what StartLifecyclePolicyPreview's job does).
 * Then one real run applies the decisions (each expiry a registry delete with its events, each
 * archive a state change with its event), for the record.
 */
const POLICY = JSON.stringify({
  rules: [
    { rulePriority: 1, selection: { tagStatus: 'tagged', tagPrefixList: ['release-'], countType: 'imageCountMoreThan', countNumber: 1000 }, action: { type: 'expire' } },
    { rulePriority: 2, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 60 }, action: { type: 'expire' } },
    { rulePriority: 3, selection: { tagStatus: 'tagged', tagPatternList: ['feature-*'], countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }, action: { type: 'transition', targetStorageClass: 'archive' } },
    { rulePriority: 4, selection: { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 }, action: { type: 'expire' } },
    { rulePriority: 5, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 60000 }, action: { type: 'expire' } },
  ],
});

const REPOSITORY = 'bench/lifecycle';
const ACCOUNT = '000000000000';
const MINUTE = 60_000;
const DAY = 86_400_000;

const suite: Suite = {
  name: 'lifecycle',
  description: 'lifecycle policy evaluation over a repository of 100,000 images: load + evaluate time and peak RSS',
  async run(ctx) {
    const launcher = join(REPO_ROOT, 'bin', 'berth.js');
    if (!existsSync(join(REPO_ROOT, 'dist', 'lifecycle', 'plan.js'))) {
      throw new Error('dist/ is missing: run `npm run bench` (which builds first) or `npm run build`');
    }
    const images = ctx.quick ? 10_000 : 100_000;
    const label = ctx.quick ? '10k' : '100k';
    const dataDir = join(ctx.workDir, 'data');
    const logFile = join(ctx.workDir, 'lifecycle.log');
    const cli = (args: string[]) => runProcess(process.execPath, [launcher, 'lifecycle', 'run', '--data', dataDir, ...args], logFile);

    ctx.log('creating the schema with berth lifecycle run on an empty data directory');
    await cli(['--dry-run']);
    const started = Date.now();
    generate(dataDir, images);
    ctx.log(`generated ${images} images in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const seconds: number[] = [];
    const rss: number[] = [];
    let decided = '';
    for (let rep = 1; rep <= 3; rep++) {
      const run = await cli(['--repository', REPOSITORY, '--dry-run']);
      decided = /would act on (\d+) image/.exec(run.stdout)?.[1] ?? '?';
      seconds.push(run.seconds);
      rss.push(run.peakBytes / MB);
      ctx.log(`#${rep}: ${run.seconds.toFixed(2)} s, ${decided} decisions, peak RSS ${(run.peakBytes / MB).toFixed(0)} MB`);
    }

    const phases = await runProcess(process.execPath, ['--input-type=module', '-e', phaseScript(join(dataDir, 'metadata.db'))], logFile);
    const phase = JSON.parse(phases.stdout) as { loadMs: number; evaluateMs: number; storeMs: number; decisions: number; heapMB: number };
    ctx.log(`in-process: load ${phase.loadMs.toFixed(0)} ms, evaluate ${phase.evaluateMs.toFixed(0)} ms, store preview ${phase.storeMs.toFixed(0)} ms`);

    const applied = await cli(['--repository', REPOSITORY, '--json']);
    const outcome = JSON.parse(applied.stdout) as { expired: number; archived: number; skipped: number };
    ctx.log(`applied: expired ${outcome.expired}, archived ${outcome.archived} in ${applied.seconds.toFixed(1)} s`);

    const rows: Row[] = [
      {
        metric: `evaluate ${label} images end to end (load + evaluate)`,
        unit: 's',
        berth: median(seconds),
        higherIsBetter: false,
        target: { kind: 'at-most', value: 5 },
        note: `\`berth lifecycle run --dry-run\` in a fresh process (start-up included), ${decided} decisions; ${spread(seconds, 2)} s`,
      },
      {
        metric: `evaluate ${label} images, peak RSS`,
        unit: 'MB',
        berth: Math.max(...rss),
        higherIsBetter: false,
        note: 'VmHWM of the process (start-up included), highest of the runs',
      },
      { metric: `load ${label} images (one streaming query)`, unit: 'ms', berth: phase.loadMs, higherIsBetter: false, note: 'in-process, from dist/' },
      { metric: `evaluate ${label} images (engine)`, unit: 'ms', berth: phase.evaluateMs, higherIsBetter: false, note: 'in-process: planLifecycle minus the load' },
      {
        metric: `store a ${phase.decisions}-result preview`,
        unit: 'ms',
        berth: phase.storeMs,
        higherIsBetter: false,
        note: 'what the StartLifecyclePolicyPreview job writes after evaluating',
      },
      {
        metric: `apply: expire ${outcome.expired} + archive ${outcome.archived} images`,
        unit: 's',
        berth: applied.seconds,
        higherIsBetter: false,
        note: `one \`berth lifecycle run\`: each expiry a registry delete with image.deleted + lifecycle.image.expired, each archive a state change with its event; peak RSS ${(applied.peakBytes / MB).toFixed(0)} MB`,
      },
    ];
    return rows;
  },
};

export default suite;

interface ProcessRun {
  seconds: number;
  peakBytes: number;
  stdout: string;
}

function runProcess(command: string, args: string[], logFile: string): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const log = openSync(logFile, 'a');
    const started = performance.now();
    const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, BERTH_CONFIG: '' }, stdio: ['ignore', 'pipe', log] });
    closeSync(log);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    peakRss(child.pid!, () => exited).then(({ result: code, peakBytes }) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`${args.slice(0, 3).join(' ')} exited with ${code}; see ${logFile}`));
      else resolve({ seconds, peakBytes, stdout });
    }, reject);
  });
}

/** Times the phases in one process over the generated database, using the built modules. */
function phaseScript(databaseFile: string): string {
  const dist = (path: string) => pathToFileURL(join(REPO_ROOT, 'dist', path)).href;
  return `
    const { SqliteMetadataStore } = await import(${JSON.stringify(dist('metadata/sqlite/store.js'))});
    const { decideLifecycle } = await import(${JSON.stringify(dist('lifecycle/plan.js'))});
    const { toResultRecord } = await import(${JSON.stringify(dist('lifecycle/previews.js'))});
    const { parseLifecyclePolicy } = await import(${JSON.stringify(dist('lifecycle/policy/index.js'))});
    const store = SqliteMetadataStore.open(${JSON.stringify(databaseFile)});
    const repository = await store.registry.getRepository(${JSON.stringify(ACCOUNT)}, ${JSON.stringify(REPOSITORY)});
    const policy = parseLifecyclePolicy((await store.lifecycle.getPolicy(repository.id)).text);
    let t = performance.now();
    const images = await store.lifecycle.loadImages(repository.id);
    const loadMs = performance.now() - t;
    t = performance.now();
    const decisions = decideLifecycle(policy, images, new Date());
    const evaluateMs = performance.now() - t;
    const preview = await store.lifecycle.beginPreview(repository.id, 'bench', new Date(), new Date(0));
    t = performance.now();
    await store.lifecycle.completePreview(preview.id, decisions.map(toResultRecord), new Date());
    const storeMs = performance.now() - t;
    await store.close();
    process.stdout.write(JSON.stringify({ loadMs, evaluateMs, storeMs, decisions: decisions.length, heapMB: process.memoryUsage().heapUsed / 1e6 }));
  `;
}

/** Writes the repository, its images, tags, pulls, archive states, indexes and policy. */
function generate(dataDir: string, images: number): void {
  const db = new Database(join(dataDir, 'metadata.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = Date.now();
  const digest = (kind: string, i: number) => `sha256:${kind}${i.toString(16).padStart(64 - kind.length, '0')}`;
  db.transaction(() => {
    const repository = db
      .prepare(`INSERT INTO repositories (account_id, name, created_at) VALUES (?, ?, ?) RETURNING id`)
      .get(ACCOUNT, REPOSITORY, now - 2000 * DAY) as { id: number };
    const manifest = db.prepare(
      `INSERT INTO manifests (repository_id, digest, media_type, size, image_size, content, pushed_at, last_pulled_at)
       VALUES (?, ?, ?, 2, 1000, x'7b7d', ?, ?) RETURNING id`,
    );
    const tag = db.prepare('INSERT INTO tags (repository_id, name, manifest_id, updated_at) VALUES (?, ?, ?, ?)');
    const archived = db.prepare(
      `INSERT INTO image_storage (manifest_id, status, last_archived_at, status_changed_at) VALUES (?, 'ARCHIVED', ?, ?)`,
    );
    const child = db.prepare('INSERT INTO manifest_children (manifest_id, child_digest) VALUES (?, ?)');
    for (let i = 0; i < images; i++) {
      const pushedAt = now - (images - i) * 5 * MINUTE;
      // Some time between the push and now.
      const pulledAt = i % 3 === 0 ? pushedAt + Math.floor(((now - pushedAt) * ((i * 7919) % 1000)) / 1000) : null;
      const { id } = manifest.get(repository.id, digest('', i), 'application/vnd.oci.image.manifest.v1+json', pushedAt, pulledAt) as { id: number };
      for (const name of [[], [`release-${i}`], [`feature-${i}`, `sha-${i}`], [`dev-${i}`]][i % 4]!) tag.run(repository.id, name, id, pushedAt);
      const archivedAt = Math.min(pushedAt + 30 * DAY, now - MINUTE);
      if (i % 50 === 7) archived.run(id, archivedAt, archivedAt);
    }
    for (let k = 0; k < 100; k++) {
      const { id } = manifest.get(repository.id, digest('ff', k), 'application/vnd.oci.image.index.v1+json', now - DAY, null) as { id: number };
      child.run(id, digest('', 2 * k));
      child.run(id, digest('', 2 * k + 1));
    }
    db.prepare('INSERT INTO lifecycle_policies (repository_id, policy_text, updated_at) VALUES (?, ?, ?)').run(repository.id, POLICY, now);
  })();
  db.close();
}
