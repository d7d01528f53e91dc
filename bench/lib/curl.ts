import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireTool } from './tools.js';

const run = promisify(execFile);

export interface Transfer {
  status: number;
  bytes: number;
  seconds: number;
  /** CPU time curl itself used (user + system), from the shell's `time`. */
  clientCpuSeconds: number;
}

// One line the bench parses: status, time_total and the byte count, from curl's own clock.
const WRITE_OUT = '%{http_code} %{time_total} %{size_upload} %{size_download}\\n';

// A transfer still running after this is a hang (a stuck server or a full object store), not a
// measurement: curl gives up, so the run stops by itself.
const MAX_SECONDS = 1800;

async function curl(args: string[]): Promise<Transfer> {
  const binary = requireTool('curl');
  // bash's `time` reports the child's CPU time exactly; stderr carries curl's errors, then the times.
  const script = 'TIMEFORMAT="cpu %3U %3S"; { time "$@" ; } 2>&1';
  const { stdout } = await run(
    'bash',
    ['-c', script, 'bench-curl', binary, '--silent', '--show-error', '--max-time', String(MAX_SECONDS), '--output', '/dev/null', '--write-out', WRITE_OUT, ...args],
    { maxBuffer: 1024 * 1024 },
  );
  const lines = stdout.trim().split('\n');
  const cpu = /^cpu ([\d.]+) ([\d.]+)$/.exec(lines.at(-1) ?? '');
  const result = lines.find((line) => /^\d{3} [\d.]+ \d+ \d+$/.test(line));
  if (!cpu || !result) throw new Error(`could not read curl's output:\n${stdout.slice(0, 500)}`);
  const [status, seconds, up, down] = result.split(' ').map(Number);
  return { status: status!, seconds: seconds!, bytes: Math.max(up!, down!), clientCpuSeconds: Number(cpu[1]) + Number(cpu[2]) };
}

/**
 * PUTs a file's bytes in one request, streamed from disk (page cache) by curl. `Expect:` is blanked
 * so curl does not wait for a 100 Continue (docker does not send it either), identically for every server.
 */
export async function putFile(url: string, file: string, headers: Record<string, string> = {}): Promise<Transfer> {
  return curl(['--upload-file', file, '--request', 'PUT', '--header', 'Content-Type: application/octet-stream', '--header', 'Expect:', ...headerArgs(headers), url]);
}

/** GETs a URL into /dev/null. */
export async function getToNull(url: string, headers: Record<string, string> = {}): Promise<Transfer> {
  return curl([...headerArgs(headers), url]);
}

/** Extra request headers (e.g. Authorization) as curl arguments. */
function headerArgs(headers: Record<string, string>): string[] {
  return Object.entries(headers).flatMap(([name, value]) => ['--header', `${name}: ${value}`]);
}
