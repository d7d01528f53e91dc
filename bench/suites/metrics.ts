import { manifestRounds } from '../lib/registry/manifest-rounds.js';
import { berthServer } from '../lib/servers/berth.js';
import { median, spread } from '../lib/stats.js';
import { requireTool } from '../lib/tools.js';
import type { Suite } from '../lib/types.js';

/**
 * What Prometheus metrics cost on the hottest path: manifest GETs under load (the registry suite's
 * (c)) against Berth with metrics on (the default: a meter per request, a record when its response
 * closes) and with BERTH_METRICS_ENABLED=false, interleaved round by round so drift on a shared
 * machine hits both alike.
 */
const suite: Suite = {
  name: 'metrics',
  description: 'manifest GET req/s with metrics on vs off (the overhead of the request metrics)',
  async run(ctx) {
    requireTool('wrk');
    const on = berthServer({ label: 'metrics on', env: { BERTH_METRICS_ENABLED: 'true' } });
    const off = berthServer({ label: 'metrics off', env: { BERTH_METRICS_ENABLED: 'false' } });
    const repetitions = ctx.quick ? 2 : 5;
    const loadSeconds = ctx.quick ? 2 : 10;
    const samples = await manifestRounds(ctx, [on, off], repetitions, loadSeconds);
    return [
      {
        metric: 'manifest GET by tag, 32 connections, metrics on',
        unit: 'req/s',
        berth: median(samples.of(on)),
        baseline: { name: off.label, value: median(samples.of(off)) },
        // The bound on what observability may cost: at most 10%.
        target: { kind: 'ratio-at-least', value: 0.9 },
        note: `wrk -t2 -c32 -d${loadSeconds}s, ${repetitions} interleaved rounds: on ${spread(samples.of(on))}; off ${spread(samples.of(off))}`,
      },
    ];
  },
};

export default suite;
