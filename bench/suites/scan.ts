import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { REPO_ROOT } from '../lib/paths.js';
import { procStatusBytes } from '../lib/proc.js';
import { berthServer } from '../lib/servers/berth.js';
import { MB, median, spread } from '../lib/stats.js';
import type { Row, Suite } from '../lib/types.js';
import { ecrClient, pushImage, pushLayerFile, timeScan } from './scan/registry.js';
import { writeSyntheticLayer, type SyntheticLayer } from './scan/synthetic-image.js';

/**
 * Vulnerability scanning end to end through a running Berth (`berth serve`, as a user runs it):
 * the vulnerability database is imported with `berth vulndb import` (the fixtures' Debian data),
 * a ~120 MB one-layer Debian image is pushed over /v2, and each repetition pushes a manifest with
 * a fresh config (a digest never scanned, so no stored SBOM is reused) and times StartImageScan
 * until DescribeImageScanFindings reports COMPLETE: job pickup, streaming the layer out of storage,
 * decompressing and reading every tar entry, the SBOM, matching and storing the findings.
 *
 * The image is synthetic (scan/synthetic-image.ts: the fixtures' real minbase dpkg database in a
 * tree of a real rootfs's shape, ~119 MB gzip, ~172 MB of tar, ~4,850 files); every run checks
 * the scan found exactly the 16 findings the fixtures expect. When a debootstrap bookworm tree is
 * at hand (the e2e scanning test caches one under $TMPDIR/berth-e2e-cache, or BENCH_DEBOOTSTRAP_TREE
 * names one), it is measured too, as an informational row.
 *
 * Memory: the server's peak resident set during each scan (the kernel's high-water mark, reset
 * before the scan through /proc/<pid>/clear_refs), so the push's memory is not counted.
 */
const suite: Suite = {
  name: 'scan',
  description: 'vulnerability scan of a ~120 MB Debian image through a running Berth: StartImageScan to COMPLETE, peak RSS',
  async run(ctx) {
    const layerPath = join(ctx.workDir, 'layer.tar.gz');
    ctx.log('generating the synthetic Debian layer');
    const layer = await writeSyntheticLayer(layerPath, ctx.quick ? 0.15 : 1);
    const size = `${(layer.compressedBytes / MB).toFixed(0)} MB`;
    ctx.log(`layer: ${size} gzip, ${(layer.uncompressedBytes / MB).toFixed(0)} MB tar, ${layer.files} files`);

    const dataDir = join(ctx.workDir, 'data');
    await berthCli(['vulndb', 'import', join(REPO_ROOT, 'test/fixtures/vulndb/debian-bookworm/osv'), '--data', dataDir], join(ctx.workDir, 'vulndb.log'));
    const server = await berthServer().start(dataDir);
    const ecr = ecrClient(server.baseUrl);
    const rows: Row[] = [];
    try {
      const idleBytes = procStatusBytes(server.pid, 'VmRSS') ?? 0;
      const synthetic = await measure(ctx, server, ecr, 'bench/debian', layer, 3);
      for (const run of synthetic) {
        if (run.counts.UNDEFINED !== 16 || Object.keys(run.counts).length !== 1) throw new Error(`expected the fixtures' 16 findings, got ${JSON.stringify(run.counts)}`);
      }
      const seconds = synthetic.map((r) => r.seconds);
      const peaks = synthetic.map((r) => r.peakBytes / MB);
      rows.push(
        {
          metric: `scan Debian image (synthetic, ${size} gzip), StartImageScan → COMPLETE`,
          unit: 's',
          berth: median(seconds),
          higherIsBetter: false,
          target: { kind: 'at-most', value: 5 },
          note: `${spread(seconds, 2)} s; ${(layer.uncompressedBytes / MB).toFixed(0)} MB of tar, ${layer.files} files, 88 packages, 16 findings checked`,
        },
        {
          metric: 'scan peak RSS (server, during the scan)',
          unit: 'MB',
          berth: Math.max(...peaks),
          higherIsBetter: false,
          // Bounded: the layer streams through; only package databases are held (limits in src/scanning/layers/limits.ts).
          target: { kind: 'at-most', value: 300 },
          note: `${synthetic[0]!.peakIsScanOnly ? 'VmHWM reset before each scan' : 'process peak (could not reset VmHWM)'}; server idle at ${(idleBytes / MB).toFixed(0)} MB before the first scan`,
        },
      );

      const tree = debootstrapTree();
      if (tree && !ctx.quick) {
        ctx.log(`also measuring the debootstrap tree ${tree}`);
        const real = await tarTree(tree, join(ctx.workDir, 'debootstrap.tar.gz'), join(ctx.workDir, 'tar.log'));
        const runs = await measure(ctx, server, ecr, 'bench/debootstrap', real, 3);
        rows.push({
          metric: `scan debootstrap bookworm minbase (${(real.compressedBytes / MB).toFixed(0)} MB gzip)`,
          unit: 's',
          berth: median(runs.map((r) => r.seconds)),
          higherIsBetter: false,
          note: `${spread(runs.map((r) => r.seconds), 2)} s; peak RSS ${Math.max(...runs.map((r) => r.peakBytes / MB)).toFixed(0)} MB; ${tree}`,
        });
      }
    } finally {
      ecr.destroy();
      await server.stop();
    }
    return rows;
  },
};

export default suite;

async function measure(
  ctx: Parameters<Suite['run']>[0],
  server: { baseUrl: string; pid: number },
  ecr: ReturnType<typeof ecrClient>,
  repo: string,
  layer: Pick<SyntheticLayer, 'path' | 'digest' | 'diffId' | 'compressedBytes'>,
  repetitions: number,
) {
  await pushLayerFile(server.baseUrl, repo, layer.path, layer.digest);
  const runs = [];
  for (let rep = 1; rep <= repetitions; rep++) {
    const tag = `run-${rep}`;
    await pushImage(server.baseUrl, repo, tag, { digest: layer.digest, diffId: layer.diffId, size: layer.compressedBytes });
    const run = await timeScan(ecr, server.pid, repo, tag);
    ctx.log(`${repo} #${rep}: ${run.seconds.toFixed(2)} s, peak RSS ${(run.peakBytes / MB).toFixed(0)} MB, findings ${JSON.stringify(run.counts)}`);
    runs.push(run);
  }
  return runs;
}

function debootstrapTree(): string | undefined {
  if (process.env.BENCH_DEBOOTSTRAP_TREE) return process.env.BENCH_DEBOOTSTRAP_TREE;
  const cache = join(tmpdir(), 'berth-e2e-cache');
  if (!existsSync(cache)) return undefined;
  const trees = readdirSync(cache).filter((d) => /^bookworm-minbase-\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  return trees.length > 0 ? join(cache, trees[trees.length - 1]!) : undefined;
}

async function tarTree(tree: string, path: string, logFile: string) {
  await command('tar', ['--numeric-owner', '-C', tree, '-czf', path, '.'], logFile);
  const digest = createHash('sha256');
  await pipeline(createReadStream(path), digest);
  const diffId = createHash('sha256');
  await pipeline(createReadStream(path), createGunzip(), diffId);
  return { path, digest: `sha256:${digest.digest('hex')}`, diffId: `sha256:${diffId.digest('hex')}`, compressedBytes: statSync(path).size };
}

function berthCli(args: string[], logFile: string): Promise<void> {
  return command(process.execPath, [join(REPO_ROOT, 'bin', 'berth.js'), ...args], logFile);
}

async function command(file: string, args: string[], logFile: string): Promise<void> {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(file, args, { cwd: REPO_ROOT, stdio: ['ignore', log, log] });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${code}; see ${logFile}`);
  } finally {
    closeSync(log);
  }
}
