import type { TestBlob } from '../random-file.js';
import type { SuiteContext } from '../types.js';
import { describeCpu, type CpuUse } from './cpu.js';
import type { Deployment } from './deployment.js';
import type { Engines } from './engines.js';
import { manifestLoad } from './manifest-load.js';
import type { Sizes } from './sizes.js';
import { concurrentPush, timedPull, timedPush, type Timed } from './transfers.js';

export interface Contender {
  key: string;
  start(tag: string): Promise<Deployment>;
  /** Whether the one-client 1 GiB push and pull run against it (not for the 3-node deployment). */
  singleClient: boolean;
}

export interface Measured {
  label: string;
  push: Timed[];
  pull: Timed[];
  concurrent: Timed[];
  manifests: { requestsPerSecond: number; cpu: CpuUse }[];
}

/**
 * Every round starts each contender fresh (new database, new bucket: a blob pushed twice into one
 * registry would be deduplicated), measures it and deletes its data before the next one starts,
 * so the contenders take turns and drift on a shared machine hits them alike. The one-client push
 * and pull go straight to node 1; the concurrent pushes and manifest GETs go through haproxy.
 */
export async function runRounds(
  ctx: SuiteContext,
  engines: Engines,
  contenders: readonly Contender[],
  blob: TestBlob,
  concurrentBlobs: readonly TestBlob[],
  sizes: Sizes,
): Promise<Map<string, Measured>> {
  const results = new Map<string, Measured>();
  const enginePids = () => engines.pids();
  const engineGroups = { rgw: () => enginePids().rgw, 'ceph-osd': () => enginePids().osd, postgres: () => enginePids().postgres };
  for (let round = 1; round <= sizes.rounds; round++) {
    for (const contender of contenders) {
      const tag = `${contender.key}-r${round}`;
      const deployment = await contender.start(tag);
      const groups = { ...deployment.cpuGroups, ...engineGroups };
      const m = results.get(contender.key) ?? { label: deployment.label, push: [], pull: [], concurrent: [], manifests: [] };
      results.set(contender.key, m);
      const say = (what: string, figure: string, cpu: CpuUse) => ctx.log(`${deployment.label} #${round} ${what}: ${figure} (cores: ${describeCpu(cpu)})`);
      try {
        if (contender.singleClient) {
          const node = deployment.nodes[0]!.baseUrl;
          const pushed = await timedPush(node, 'bench/blob', blob, deployment.headers, groups);
          m.push.push(pushed);
          say('push', `${pushed.mbPerSecond.toFixed(0)} MB/s`, pushed.cpu);
          const pulled = await timedPull(node, 'bench/blob', blob, deployment.headers, groups);
          m.pull.push(pulled);
          say('pull', `${pulled.mbPerSecond.toFixed(0)} MB/s`, pulled.cpu);
        }
        const concurrent = await concurrentPush(deployment.proxyUrl, 'bench/concurrent', concurrentBlobs, deployment.headers, groups);
        m.concurrent.push(concurrent);
        say(`${concurrentBlobs.length} concurrent pushes`, `${concurrent.mbPerSecond.toFixed(0)} MB/s`, concurrent.cpu);
        const manifests = await manifestLoad({ ...deployment, cpuGroups: groups }, sizes.loadSeconds);
        m.manifests.push(manifests);
        say('manifest GETs', `${manifests.requestsPerSecond.toFixed(0)} req/s`, manifests.cpu);
      } finally {
        await deployment.stop();
        await engines.reclaim();
      }
    }
  }
  return results;
}
