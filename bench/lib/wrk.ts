import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireTool } from './tools.js';

const run = promisify(execFile);

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  /** Responses outside 2xx/3xx, as wrk counts them. */
  non2xx: number;
  /** connect/read/write/timeout errors. */
  socketErrors: number;
}

/** A bounded wrk run (it stops by itself after `seconds`). */
export async function wrk(url: string, options: { threads: number; connections: number; seconds: number; headers: Record<string, string> }): Promise<LoadResult> {
  const binary = requireTool('wrk');
  const args = [`-t${options.threads}`, `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '5s'];
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  const { stdout } = await run(binary, args, { timeout: (options.seconds + 30) * 1000 });
  const number = (pattern: RegExp) => Number(pattern.exec(stdout)?.[1] ?? NaN);
  const rps = number(/Requests\/sec:\s+([\d.]+)/);
  if (!Number.isFinite(rps)) throw new Error(`could not read wrk's output:\n${stdout}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  return {
    requestsPerSecond: rps,
    requests: number(/(\d+) requests in/),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0),
    socketErrors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}
