import { cpus, loadavg, release, totalmem, freemem } from 'node:os';
import { readFileSync, statfsSync } from 'node:fs';

/** Busy and total jiffies over all CPUs, from /proc/stat. */
function cpuTimes(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3]! + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * The state of the machine over the run, printed with the results: the figures mean little on a
 * machine that was busy with something else, and this machine is shared.
 */
export class MachineState {
  private readonly startLoad = loadavg();
  private readonly startCpu = cpuTimes();

  constructor(private readonly workDir: string) {}

  describe(): string {
    const cpu = cpus();
    const end = cpuTimes();
    const busy = (100 * (end.busy - this.startCpu.busy)) / Math.max(1, end.total - this.startCpu.total);
    const disk = statfsSync(this.workDir);
    const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
    const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    return [
      `machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${gib(totalmem())} RAM (${gib(freemem())} free at end), Linux ${release()}, Node ${process.version}`,
      `disk: ${gib(disk.bavail * disk.bsize)} free under ${this.workDir}`,
      `load average (1/5/15 min): ${load(this.startLoad)} at start, ${load(loadavg())} at end; all CPUs ${busy.toFixed(0)}% busy over the run (bench included)`,
    ].join('\n');
  }
}
