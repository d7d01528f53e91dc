import type { ServerProcess } from '../server-process.js';

/** One registry under test: N nodes on the shared engines, behind haproxy, with the credentials a client sends. */
export interface Deployment {
  /** e.g. "Berth ×3", "distribution 2.8.2". */
  label: string;
  /** The nodes, each reachable directly. */
  nodes: ServerProcess[];
  /** haproxy in front of the nodes. */
  proxyUrl: string;
  /** Authorization (and nothing else) for every request. */
  headers: Record<string, string>;
  /** The registry's own processes for CPU accounting: the nodes, and haproxy separately. */
  cpuGroups: Record<string, () => number[]>;
  /** Stops the nodes and the proxy and deletes the deployment's bucket. */
  stop(): Promise<void>;
}

/** Every repository the suite pushes to (distribution's token must name each one). */
export const BENCH_REPOSITORIES = ['bench/blob', 'bench/image', 'bench/concurrent'] as const;
