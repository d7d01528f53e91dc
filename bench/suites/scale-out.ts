import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { writeRandomFile, type TestBlob } from '../lib/random-file.js';
import { startBerthCluster } from '../lib/scale-out/berth-cluster.js';
import { cpuCeiling, describeCpu, type CpuUse } from '../lib/scale-out/cpu.js';
import { startDistributionS3 } from '../lib/scale-out/distribution-s3.js';
import { startEngines } from '../lib/scale-out/engines.js';
import { runRounds, type Contender, type Measured } from '../lib/scale-out/rounds.js';
import { scaleOutSizes, sizeLabel } from '../lib/scale-out/sizes.js';
import { median, spread } from '../lib/stats.js';
import { requireTool } from '../lib/tools.js';
import type { Row, Suite } from '../lib/types.js';

/**
 * Berth on PostgreSQL + Ceph RGW (storage.driver s3, metadata.driver postgres), 1 and 3 nodes behind
 * haproxy, beside distribution 2.8.2 with its s3 driver on the same RGW, in the same run (issue #13).
 */
const suite: Suite = {
  name: 'scale-out',
  description: 'Berth on PostgreSQL + Ceph RGW (1 and 3 nodes behind haproxy) vs distribution s3: push/pull, concurrent push, manifest GET',
  async run(ctx) {
    for (const tool of ['curl', 'wrk', 'haproxy', 'docker-registry', 'openssl', 'ss']) requireTool(tool, tool === 'haproxy' ? '/usr/sbin/haproxy' : undefined);
    const sizes = scaleOutSizes(ctx.quick);
    ctx.log(`writing a ${sizeLabel(sizes.blobBytes)} blob and ${sizes.concurrent} × ${sizeLabel(sizes.concurrentBytes)} blobs`);
    const blob = writeRandomFile(join(ctx.workDir, 'blob.bin'), sizes.blobBytes);
    const many: TestBlob[] = Array.from({ length: sizes.concurrent }, (_, i) => writeRandomFile(join(ctx.workDir, `concurrent-${i}.bin`), sizes.concurrentBytes));

    // RGW's memstore OSD keeps objects in RAM (only what is stored). distribution holds up to about
    // 4× the pushed bytes before its bucket is deleted (each upload is copied to its blob path on
    // commit, and the upload's copy waits for RGW's garbage collection).
    const pushed = sizes.blobBytes + sizes.concurrent * sizes.concurrentBytes;
    const engines = await startEngines(ctx.log, Math.max(4 * 1024 ** 3, 4 * pushed));
    try {
      const workDir = ctx.workDir;
      const contenders: Contender[] = [
        { key: 'berth1', singleClient: true, start: (tag) => startBerthCluster({ engines, nodes: 1, workDir, tag }) },
        { key: 'dist1', singleClient: true, start: (tag) => startDistributionS3({ engines, workDir, tag }) },
        { key: 'berth3', singleClient: false, start: (tag) => startBerthCluster({ engines, nodes: 3, workDir, tag }) },
      ];
      const results = await runRounds(ctx, engines, contenders, blob, many, sizes);
      return rows(results, sizes, engines.s3Origin);
    } finally {
      await engines.stop();
      for (const file of [blob, ...many]) rmSync(file.path, { force: true });
    }
  },
};

function rows(results: Map<string, Measured>, sizes: ReturnType<typeof scaleOutSizes>, s3Origin: string): Row[] {
  const berth1 = results.get('berth1')!;
  const dist = results.get('dist1')!;
  const berth3 = results.get('berth3')!;
  const mb = (runs: { mbPerSecond: number }[]) => runs.map((r) => r.mbPerSecond);
  const rps = (runs: { requestsPerSecond: number }[]) => runs.map((r) => r.requestsPerSecond);
  // The CPU split of the run whose figure is the median (or nearest it): where the cores went.
  const cpuOf = <T extends { cpu: CpuUse }>(runs: T[], figure: (r: T) => number) => {
    const mid = median(runs.map(figure));
    return runs.reduce((best, r) => (Math.abs(figure(r) - mid) < Math.abs(figure(best) - mid) ? r : best)).cpu;
  };
  const cores = (label: string, runs: { mbPerSecond: number; cpu: CpuUse }[]) => `${label}: ${describeCpu(cpuOf(runs, (r) => r.mbPerSecond))}`;
  const rpsCores = (label: string, runs: { requestsPerSecond: number; cpu: CpuUse }[]) => `${label}: ${describeCpu(cpuOf(runs, (r) => r.requestsPerSecond))}`;
  const ceilingOf = (runs: { mbPerSecond: number; cpu: CpuUse }[]) => {
    const run = runs.find((r) => r.cpu === cpuOf(runs, (x) => x.mbPerSecond))!;
    return cpuCeiling(run.mbPerSecond, run.cpu);
  };
  const bound1 = ceilingOf(berth1.concurrent);
  const bound3 = ceilingOf(berth3.concurrent);
  const one = sizeLabel(sizes.blobBytes);
  const many = `${sizes.concurrent} × ${sizeLabel(sizes.concurrentBytes)}`;
  const setup = `S3: ${s3Origin}; PostgreSQL: a private instance (test/engines/postgres.ts: fsync off)`;
  return [
    {
      metric: `${one} push, one client, 1 node`,
      unit: 'MB/s',
      berth: median(mb(berth1.push)),
      baseline: { name: dist.label, value: median(mb(dist.push)) },
      target: { kind: 'ratio-at-least', value: 1 },
      note: `POST + curl PUT ?digest= straight to the node, with credentials. Berth ${spread(mb(berth1.push))}; ${dist.label} ${spread(mb(dist.push))}. Cores used, median run — ${cores('Berth', berth1.push)}; ${cores(dist.label, dist.push)}. ${setup}`,
    },
    {
      metric: `${one} pull, one client, 1 node`,
      unit: 'MB/s',
      berth: median(mb(berth1.pull)),
      baseline: { name: dist.label, value: median(mb(dist.pull)) },
      target: { kind: 'ratio-at-least', value: 1 },
      note: `curl GET to /dev/null through the registry (distribution's redirect to S3 disabled, Berth's off by default). Berth ${spread(mb(berth1.pull))}; ${dist.label} ${spread(mb(dist.pull))}. Cores — ${cores('Berth', berth1.pull)}; ${cores(dist.label, dist.pull)}`,
    },
    {
      metric: `${many} concurrent push, 1 node`,
      unit: 'MB/s',
      berth: median(mb(berth1.concurrent)),
      baseline: { name: dist.label, value: median(mb(dist.concurrent)) },
      target: { kind: 'ratio-at-least', value: 1 },
      note: `${sizes.concurrent} clients at once through haproxy (one node behind it), aggregate bytes over the wall time from the first POST to the last 201. Berth ${spread(mb(berth1.concurrent))}; ${dist.label} ${spread(mb(dist.concurrent))}. Cores — ${cores('Berth ×1', berth1.concurrent)}; ${cores(dist.label, dist.concurrent)}`,
    },
    {
      metric: `${many} concurrent push, 3 nodes vs 1`,
      unit: 'MB/s',
      berth: median(mb(berth3.concurrent)),
      baseline: { name: berth1.label, value: median(mb(berth1.concurrent)) },
      target: { kind: 'ratio-at-least', value: 1.6 },
      note: `the same pushes through haproxy (round robin per request) in front of 3 Berth nodes on one database and bucket: ${spread(mb(berth3.concurrent))}. Cores — ${cores('Berth ×3', berth3.concurrent)}. The nodes share the machine's ${cpus().length} cores with RGW, its OSD, PostgreSQL and the client, so more nodes add no CPU: 1.6× one node would be ${(1.6 * median(mb(berth1.concurrent))).toFixed(0)} MB/s, against a CPU ceiling of ${bound1.ceiling.toFixed(0)} MB/s at one node's measured costs (${bound3.ceiling.toFixed(0)} MB/s at three nodes'; see the ceiling row)`,
    },
    {
      metric: `${many} concurrent push: CPU ceiling of this machine`,
      unit: 'MB/s',
      berth: bound1.ceiling,
      note: `not a measurement of its own: the aggregate push rate ${cpus().length} cores would carry if the measured system (registry, haproxy, RGW, OSD, PostgreSQL, client) had all of them, at the CPU cost per MB Berth ×1's median concurrent run showed (read from /proc/<pid>/stat): ${bound1.perMb}. With three nodes: ${bound3.ceiling.toFixed(0)} MB/s (${bound3.perMb}). No number of nodes on this machine exceeds it; on separate machines the nodes' share moves off the RGW host`,
    },
    {
      metric: 'manifest GET by tag, 32 connections, 1 node',
      unit: 'req/s',
      berth: median(rps(berth1.manifests)),
      baseline: { name: dist.label, value: median(rps(dist.manifests)) },
      target: { kind: 'ratio-at-least', value: 1 },
      note: `wrk -t2 -c32 -d${sizes.loadSeconds}s through haproxy with docker's Accept header and credentials (Berth: Basic AWS:<GetAuthorizationToken token>, verified and its access key read from PostgreSQL on every request; distribution: a Bearer JWT checked on every request), 0 non-2xx. Berth ${spread(rps(berth1.manifests))}; ${dist.label} ${spread(rps(dist.manifests))}. Cores — ${rpsCores('Berth ×1', berth1.manifests)}; ${rpsCores(dist.label, dist.manifests)}`,
    },
    {
      metric: 'manifest GET by tag, 32 connections, 3 nodes vs 1',
      unit: 'req/s',
      berth: median(rps(berth3.manifests)),
      baseline: { name: berth1.label, value: median(rps(berth1.manifests)) },
      note: `the same load through haproxy in front of 3 nodes: ${spread(rps(berth3.manifests))}. Cores — ${rpsCores('Berth ×3', berth3.manifests)}`,
    },
  ];
}

export default suite;
