import { readFileSync } from 'node:fs';

/** A field of /proc/<pid>/status in kB (VmRSS, VmHWM), converted to bytes; undefined once the process is gone. */
export function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * Samples a process's resident set every `intervalMs` while something runs, and also reads the
 * kernel's high-water mark (VmHWM) at the end, which catches peaks between samples. The process is
 * started fresh for each measurement, so the high-water mark covers start-up plus the measured work.
 */
export async function peakRss<T>(pid: number, work: () => Promise<T>, intervalMs = 50): Promise<{ result: T; peakBytes: number }> {
  let peak = procStatusBytes(pid, 'VmRSS') ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, procStatusBytes(pid, 'VmRSS') ?? 0);
  }, intervalMs);
  try {
    const result = await work();
    peak = Math.max(peak, procStatusBytes(pid, 'VmRSS') ?? 0, procStatusBytes(pid, 'VmHWM') ?? 0);
    return { result, peakBytes: peak };
  } finally {
    clearInterval(timer);
  }
}
