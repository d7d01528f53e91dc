import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKER_MANIFEST_ACCEPT, pushSmallImage } from '../lib/registry-client.js';
import { timeAggregates } from '../lib/metrics-aggregates.js';
import { berthServer } from '../lib/servers/berth.js';
import { median, spread } from '../lib/stats.js';
import { requireTool } from '../lib/tools.js';
import type { Suite } from '../lib/types.js';
import { wrk } from '../lib/wrk.js';

/**
 * What Prometheus metrics cost on the hottest path: manifest GETs under load (the registry suite's
 * (c)) against Berth with metrics on (the default: a meter per request, a record when its response
 * closes) and with BERTH_METRICS_ENABLED=false, alternating round by round so drift on a shared
 * machine hits both alike. Besides req/s it reports the server's CPU time per request (utime +
 * stime from /proc around each run), which other load on the machine disturbs far less. Then the
 * metadata aggregates a scrape reads, timed over a registry of 100,000 manifests on SQLite.
 */
const suite: Suite = {
  name: 'metrics',
  description: 'manifest GET req/s and server CPU per request with metrics on vs off',
  async run(ctx) {
    requireTool('wrk');
    const repetitions = ctx.quick ? 2 : 5;
    const seconds = ctx.quick ? 2 : 10;
    const servers = [
      { label: 'metrics on', server: berthServer({ label: 'metrics on', env: { BERTH_METRICS_ENABLED: 'true' } }) },
      { label: 'metrics off', server: berthServer({ label: 'metrics off', env: { BERTH_METRICS_ENABLED: 'false' } }) },
    ];
    const running = await Promise.all(
      servers.map(async ({ label, server }) => {
        const instance = await server.start(join(ctx.workDir, label.replace(/\W+/g, '-')));
        await pushSmallImage(instance.baseUrl, 'bench/image', 'latest');
        return { label, instance, rps: [] as number[], cpuMicros: [] as number[] };
      }),
    );
    try {
      for (let rep = 1; rep <= repetitions; rep++) {
        for (const run of running) {
          const before = cpuSeconds(run.instance.pid);
          const result = await wrk(`${run.instance.baseUrl}/v2/bench/image/manifests/latest`, {
            threads: 2,
            connections: 32,
            seconds,
            headers: { Accept: DOCKER_MANIFEST_ACCEPT },
          });
          if (result.non2xx > 0 || result.socketErrors > 0 || result.requests === 0) {
            throw new Error(`${run.label}: ${result.non2xx} non-2xx, ${result.socketErrors} socket errors in ${result.requests} requests`);
          }
          const micros = ((cpuSeconds(run.instance.pid) - before) * 1e6) / result.requests;
          run.rps.push(result.requestsPerSecond);
          run.cpuMicros.push(micros);
          ctx.log(`${run.label} #${rep}: ${result.requestsPerSecond.toFixed(0)} req/s, ${micros.toFixed(1)} µs CPU per request`);
        }
      }
    } finally {
      await Promise.all(running.map(({ instance }) => instance.stop()));
    }
    const [on, off] = running as [(typeof running)[0], (typeof running)[0]];
    const [repositories, imagesEach] = ctx.quick ? [200, 50] : [2_000, 50];
    ctx.log(`timing the scrape aggregates over ${repositories} repositories of ${imagesEach} images (SQLite)`);
    const aggregates = await timeAggregates(ctx.workDir, repositories, imagesEach, 5);
    const note = `wrk -t2 -c32 -d${seconds}s, ${repetitions} alternating rounds`;
    return [
      {
        metric: 'manifest GET by tag, 32 connections, metrics on',
        unit: 'req/s',
        berth: median(on.rps),
        baseline: { name: 'metrics off', value: median(off.rps) },
        // The bound on what observability may cost: at most 10%.
        target: { kind: 'ratio-at-least', value: 0.9 },
        note: `${note}: on ${spread(on.rps)}; off ${spread(off.rps)}`,
      },
      {
        metric: 'server CPU per manifest GET, metrics on',
        unit: 'µs',
        berth: median(on.cpuMicros),
        baseline: { name: 'metrics off', value: median(off.cpuMicros) },
        higherIsBetter: false,
        note: `utime + stime of the server process over each run / requests: on ${spread(on.cpuMicros, 1)}; off ${spread(off.cpuMicros, 1)}`,
      },
      {
        metric: `scrape aggregates, ${repositories} repositories, ${aggregates.manifests} manifests (SQLite)`,
        unit: 'ms',
        berth: aggregates.ms,
        higherIsBetter: false,
        note: `repository usage (top 50 + totals), blob totals (${aggregates.blobs} blobs), upload sessions and job queue, read at most once per metrics.storeCacheSeconds; median of 5`,
      },
    ];
  },
};

/** utime + stime of a process so far, in seconds (clock ticks of 1/100 s, as Linux reports them to user space). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export default suite;
