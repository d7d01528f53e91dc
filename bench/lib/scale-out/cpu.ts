import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { cpuSeconds, selfAndReapedChildrenCpuSeconds, withDescendants } from './processes.js';

/** Busy and total seconds over all CPUs, from /proc/stat (USER_HZ ticks, 100 per second). */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3]! + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** CPU used during a window, in cores (CPU-seconds per wall second), per named group of processes. */
export interface CpuUse {
  seconds: number;
  cores: Record<string, number>;
  /** Cores busy on the whole machine (everyone's processes, other users' included). */
  machineCores: number;
}

/**
 * Per-process CPU over a measured window, read from /proc/<pid>/stat at its start and end (what
 * pidstat would print, without needing sysstat). Each group names the root processes of a
 * component; their descendants count too (PostgreSQL backends). The client is the bench itself
 * plus the curl and wrk processes it ran and reaped inside the window (group "client").
 */
export class CpuMeter {
  private readonly before = new Map<number, number>();
  private readonly startedAt = performance.now();
  private readonly startTicks = machineTicks();
  private readonly startClient = selfAndReapedChildrenCpuSeconds();

  constructor(private readonly groups: Record<string, () => number[]>) {
    for (const pids of Object.values(groups)) for (const pid of withDescendants(pids())) this.before.set(pid, cpuSeconds(pid));
  }

  finish(): CpuUse {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const ticks = machineTicks();
    const cores: Record<string, number> = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      let used = 0;
      for (const pid of withDescendants(pids())) used += cpuSeconds(pid) - (this.before.get(pid) ?? 0);
      cores[name] = used / seconds;
    }
    cores.client = (selfAndReapedChildrenCpuSeconds() - this.startClient) / seconds;
    return { seconds, cores, machineCores: (ticks.busy - this.startTicks.busy) / 100 / seconds };
  }
}

/** "Berth 1.21, rgw 0.42, …" (cores), largest first. */
export function describeCpu(use: CpuUse): string {
  const parts = Object.entries(use.cores)
    .filter(([, cores]) => cores >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([name, cores]) => `${name} ${cores.toFixed(2)}`);
  return `${parts.join(', ')}; machine ${use.machineCores.toFixed(2)} of ${cpus().length} cores busy`;
}

/**
 * What the machine's cores would carry if the measured system had all of them, at the CPU cost per
 * MB it showed in this window: MB/s × cores ÷ (cores the system used: registry, haproxy, RGW, OSD,
 * PostgreSQL, client). Other users' processes are left out, so this is the bound of this machine,
 * whatever the number of nodes; and the CPU-ms per MB of each component, largest first.
 */
export function cpuCeiling(mbPerSecond: number, use: CpuUse): { ceiling: number; perMb: string } {
  const used = Object.values(use.cores).reduce((a, b) => a + b, 0);
  const perMb = Object.entries(use.cores)
    .filter(([, cores]) => cores >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([name, cores]) => `${name} ${((1000 * cores) / mbPerSecond).toFixed(1)}`)
    .join(', ');
  return { ceiling: (mbPerSecond * cpus().length) / used, perMb: `${perMb} CPU-ms per MB` };
}
