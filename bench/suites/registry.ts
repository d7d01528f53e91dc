import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { blobRounds } from '../lib/registry/blob-rounds.js';
import { clientCeiling } from '../lib/registry/client-ceiling.js';
import { manifestRounds } from '../lib/registry/manifest-rounds.js';
import type { Samples } from '../lib/registry/samples.js';
import { writeRandomFile } from '../lib/random-file.js';
import { berthServer } from '../lib/servers/berth.js';
import { distributionServer } from '../lib/servers/distribution.js';
import { median, spread } from '../lib/stats.js';
import { requireTool } from '../lib/tools.js';
import { startSendfileServer } from '../lib/sendfile-server.js';
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
    requireTool('python3');
    const baseline = distributionServer();
    const berth = berthServer();
    // fsync is on by default; the same push without it shows what durability costs on this disk.
    const berthNoFsync = berthServer({ label: 'Berth (fsync off)', fsync: false });

    const size = ctx.quick ? 64 * 1024 * 1024 : 1024 * 1024 * 1024;
    const repetitions = 3;
    // Blob transfers swing most from round to round on a shared VM (page-cache and loopback costs):
    // more rounds make their medians, and so the ratios, less a matter of luck.
    const blobRepetitions = ctx.quick ? repetitions : 5;
    const loadSeconds = ctx.quick ? 2 : 10;
    const sizeLabel = ctx.quick ? '64 MiB' : '1 GiB';

    ctx.log(`writing a ${sizeLabel} random blob`);
    const blob = writeRandomFile(join(ctx.workDir, 'blob.bin'), size);
    try {
      ctx.log('measuring the client (curl) against a null server');
      const ceiling = await clientCeiling(blob, repetitions);

      const reference = await startSendfileServer(blob.path, join(ctx.workDir, 'sendfile-reference.log'));
      const blobs = await blobRounds(ctx, [berth, baseline, berthNoFsync], blob, blobRepetitions, new Set([berthNoFsync]), reference).finally(
        () => reference.stop(),
      );
      const manifests = await manifestRounds(ctx, [berth, baseline], repetitions, loadSeconds);

      // How much of a CPU the client needs to keep up with the fastest server: context for the
      // ratios (on two cores the client competes with the server), not a target of its own.
      const fastest = (samples: Samples) =>
        Math.max(...[berth, baseline, berthNoFsync].map((server) => samples.of(server)).filter((runs) => runs.length > 0).map(median));
      const clientShare = (perCpuSecond: number[], samples: Samples) =>
        `the fastest server's median (${fastest(samples).toFixed(0)} MB/s) takes ${((100 * fastest(samples)) / median(perCpuSecond)).toFixed(0)}% of a CPU of curl`;
      const versus = (samples: Samples) => ({ name: baseline.label, value: median(samples.of(baseline)) });
      const notes = (samples: Samples) => `Berth ${spread(samples.of(berth))}; ${baseline.label} ${spread(samples.of(baseline))}`;
      const rows: Row[] = [
        {
          metric: `client capacity: curl PUT ${sizeLabel}`,
          unit: 'MB/s',
          berth: median(ceiling.upload.perCpuSecond),
          note: `what curl can send per CPU-second it uses (the same command as the push rows, against a raw-TCP null server): ${spread(ceiling.upload.perCpuSecond)}; the rate reached against that server, which shares the CPUs: ${spread(ceiling.upload.measured)}; ${clientShare(ceiling.upload.perCpuSecond, blobs.push)}. The Berth column holds the client's figure`,
        },
        {
          metric: `client capacity: curl GET ${sizeLabel}`,
          unit: 'MB/s',
          berth: median(ceiling.download.perCpuSecond),
          note: `what curl can receive per CPU-second it uses: ${spread(ceiling.download.perCpuSecond)}; rate reached against the null server: ${spread(ceiling.download.measured)}; ${clientShare(ceiling.download.perCpuSecond, blobs.pull)}`,
        },
        {
          metric: `(a) ${sizeLabel} blob monolithic push`,
          unit: 'MB/s',
          berth: median(blobs.push.of(berth)),
          baseline: versus(blobs.push),
          target: { kind: 'ratio-at-least', value: 2.5 },
          note: `POST + PUT ?digest= via curl, fsync on (both defaults): ${notes(blobs.push)}`,
        },
        {
          metric: `(b) ${sizeLabel} blob pull`,
          unit: 'MB/s',
          berth: median(blobs.pull.of(berth)),
          baseline: versus(blobs.pull),
          target: { kind: 'ratio-at-least', value: 1.5 },
          note: `GET via curl to /dev/null, blob in the page cache: ${notes(blobs.pull)}`,
        },
        {
          metric: `zero-copy reference: sendfile(2) pull ${sizeLabel}`,
          unit: 'MB/s',
          berth: median(blobs.reference),
          baseline: versus(blobs.pull),
          note: `not a registry: a minimal Python server that answers GET with sendfile(2) from the blob's file (no copy through user space), pulled by the same curl once per round after the servers: ${spread(blobs.reference)}. Its ratio is about the most any server reaches against ${baseline.label} on this machine, so it bounds (b). The Berth column holds its figure`,
        },
        {
          metric: '(c) manifest GET by tag, 32 connections',
          unit: 'req/s',
          berth: median(manifests.of(berth)),
          baseline: versus(manifests),
          target: { kind: 'ratio-at-least', value: 5 },
          note: `wrk -t2 -c32 -d${loadSeconds}s with docker's Accept header, 0 non-2xx: ${notes(manifests)}`,
        },
        {
          metric: `(d) peak RSS of Berth during (a)`,
          unit: 'MB',
          berth: Math.max(...blobs.rss.of(berth)),
          baseline: { name: baseline.label, value: Math.max(...blobs.rss.of(baseline)) },
          higherIsBetter: false,
          target: { kind: 'at-most', value: 150 },
          note: `highest of the runs (VmHWM of a fresh process, start-up included; sampled VmRSS every 50 ms): ${notes(blobs.rss)}`,
        },
        {
          metric: `${sizeLabel} push with Berth fsync off`,
          unit: 'MB/s',
          berth: median(blobs.push.of(berthNoFsync)),
          baseline: versus(blobs.push),
          note: `BERTH_STORAGE_FSYNC=false against distribution as shipped (which always fsyncs): ${spread(blobs.push.of(berthNoFsync))}`,
        },
      ];
      return rows;
    } finally {
      rmSync(blob.path, { force: true });
    }
  },
};

export default suite;
