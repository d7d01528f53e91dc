import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { timedPull, timedPush } from '../lib/registry/blob-transfer.js';
import { clientCeiling } from '../lib/registry/client-ceiling.js';
import { manifestLoad } from '../lib/registry/manifest-load.js';
import { writeRandomFile } from '../lib/random-file.js';
import { pushSmallImage } from '../lib/registry-client.js';
import { berthServer } from '../lib/servers/berth.js';
import { distributionServer } from '../lib/servers/distribution.js';
import type { RegistryServer } from '../lib/servers/types.js';
import { MB, median, spread } from '../lib/stats.js';
import { requireTool } from '../lib/tools.js';
import type { Row, Suite } from '../lib/types.js';

/**
 * Berth beside CNCF distribution (Debian's docker-registry) on the same machine and disk: blob push
 * and pull throughput, manifest GETs under load, and Berth's memory while pushing.
 */
const suite: Suite = {
  name: 'registry',
  description: 'Berth vs distribution: 1 GiB blob push/pull, manifest GET req/s, peak RSS while pushing',
  async run(ctx) {
    requireTool('curl');
    requireTool('wrk');
    const baseline = distributionServer();
    const berth = berthServer();
    // fsync is on by default; the same push without it shows what durability costs on this disk.
    const berthNoFsync = berthServer({ label: 'Berth (fsync off)', fsync: false });

    const size = ctx.quick ? 64 * 1024 * 1024 : 1024 * 1024 * 1024;
    const repetitions = 3;
    const loadSeconds = ctx.quick ? 2 : 10;
    const sizeLabel = ctx.quick ? '64 MiB' : '1 GiB';
    const repo = 'bench/blob';

    ctx.log(`writing a ${sizeLabel} random blob`);
    const blob = writeRandomFile(join(ctx.workDir, 'blob.bin'), size);
    try {
      ctx.log('measuring the client (curl) against a null server');
      const ceiling = await clientCeiling(blob, repetitions);

      const push = new Map<RegistryServer, number[]>();
      const pull = new Map<RegistryServer, number[]>();
      const rss = new Map<RegistryServer, number[]>();
      for (let rep = 1; rep <= repetitions; rep++) {
        // Interleaved, each on a fresh process and data directory: the same blob pushed twice to
        // one registry would be deduplicated, and drift on a shared machine hits every server alike.
        for (const server of [berth, baseline, berthNoFsync]) {
          const dataDir = join(ctx.workDir, `${server.label.replace(/\W+/g, '-')}-${rep}`);
          const instance = await server.start(dataDir);
          try {
            const pushed = await timedPush(instance, repo, blob);
            push.set(server, [...(push.get(server) ?? []), pushed.mbPerSecond]);
            rss.set(server, [...(rss.get(server) ?? []), pushed.peakRssBytes / MB]);
            if (server !== berthNoFsync) pull.set(server, [...(pull.get(server) ?? []), await timedPull(instance, repo, blob)]);
            ctx.log(`${server.label} #${rep}: push ${pushed.mbPerSecond.toFixed(0)} MB/s, peak RSS ${(pushed.peakRssBytes / MB).toFixed(0)} MB${server === berthNoFsync ? '' : `, pull ${pull.get(server)!.at(-1)!.toFixed(0)} MB/s`}`);
          } finally {
            await instance.stop();
            rmSync(dataDir, { recursive: true, force: true });
          }
        }
      }

      const manifestRps = new Map<RegistryServer, number[]>();
      const running = await Promise.all([berth, baseline].map(async (server) => {
        const instance = await server.start(join(ctx.workDir, `${server.label.replace(/\W+/g, '-')}-manifests`));
        await pushSmallImage(instance.baseUrl, 'bench/image', 'latest');
        return { server, instance };
      }));
      try {
        for (let rep = 1; rep <= repetitions; rep++) {
          for (const { server, instance } of running) {
            const rps = await manifestLoad(instance, 'bench/image', 'latest', loadSeconds);
            manifestRps.set(server, [...(manifestRps.get(server) ?? []), rps]);
            ctx.log(`${server.label} #${rep}: ${rps.toFixed(0)} manifest GETs/s`);
          }
        }
      } finally {
        await Promise.all(running.map(({ instance }) => instance.stop()));
      }

      const versus = (server: RegistryServer, values: Map<RegistryServer, number[]>) => ({
        name: baseline.label,
        value: median(values.get(server)!),
      });
      const notes = (values: Map<RegistryServer, number[]>, digits = 0) =>
        `Berth ${spread(values.get(berth)!, digits)}; ${baseline.label} ${spread(values.get(baseline)!, digits)}`;
      const rows: Row[] = [
        {
          metric: `client capacity: curl PUT ${sizeLabel}`,
          unit: 'MB/s',
          berth: median(ceiling.upload.perCpuSecond),
          target: { kind: 'at-least', value: 2000 },
          note: `what curl can send per CPU-second it uses (the same command as the push rows, against a raw-TCP null server): ${spread(ceiling.upload.perCpuSecond)}; the rate reached against that server, which shares the CPUs: ${spread(ceiling.upload.measured)}. The Berth column holds the client's figure`,
        },
        {
          metric: `client capacity: curl GET ${sizeLabel}`,
          unit: 'MB/s',
          berth: median(ceiling.download.perCpuSecond),
          target: { kind: 'at-least', value: 2000 },
          note: `what curl can receive per CPU-second it uses: ${spread(ceiling.download.perCpuSecond)}; rate reached against the null server: ${spread(ceiling.download.measured)}`,
        },
        {
          metric: `(a) ${sizeLabel} blob monolithic push`,
          unit: 'MB/s',
          berth: median(push.get(berth)!),
          baseline: versus(baseline, push),
          target: { kind: 'ratio-at-least', value: 2.5 },
          note: `POST + PUT ?digest= via curl, fsync on (both defaults): ${notes(push)}`,
        },
        {
          metric: `(b) ${sizeLabel} blob pull`,
          unit: 'MB/s',
          berth: median(pull.get(berth)!),
          baseline: versus(baseline, pull),
          target: { kind: 'ratio-at-least', value: 1.5 },
          note: `GET via curl to /dev/null, blob in the page cache: ${notes(pull)}`,
        },
        {
          metric: '(c) manifest GET by tag, 32 connections',
          unit: 'req/s',
          berth: median(manifestRps.get(berth)!),
          baseline: versus(baseline, manifestRps),
          target: { kind: 'ratio-at-least', value: 5 },
          note: `wrk -t2 -c32 -d${loadSeconds}s with docker's Accept header, 0 non-2xx: ${notes(manifestRps)}`,
        },
        {
          metric: `(d) peak RSS of Berth during (a)`,
          unit: 'MB',
          berth: Math.max(...rss.get(berth)!),
          baseline: { name: baseline.label, value: Math.max(...rss.get(baseline)!) },
          higherIsBetter: false,
          target: { kind: 'at-most', value: 150 },
          note: `highest of the runs (VmHWM of a fresh process, start-up included; sampled VmRSS every 50 ms): ${notes(rss)}`,
        },
        {
          metric: `${sizeLabel} push with Berth fsync off`,
          unit: 'MB/s',
          berth: median(push.get(berthNoFsync)!),
          baseline: versus(baseline, push),
          note: `BERTH_STORAGE_FSYNC=false against distribution as shipped (which always fsyncs): ${spread(push.get(berthNoFsync)!)}`,
        },
      ];
      return rows;
    } finally {
      rmSync(blob.path, { force: true });
    }
  },
};

export default suite;
