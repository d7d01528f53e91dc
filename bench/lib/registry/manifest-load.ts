import { DOCKER_MANIFEST_ACCEPT } from '../registry-client.js';
import type { ServerProcess } from '../server-process.js';
import { wrk } from '../wrk.js';

/**
 * Manifest GETs by tag at 32 connections, the way `docker pull` asks (its Accept header). Every
 * answer must be 2xx: a fast stream of errors is not a result.
 */
export async function manifestLoad(server: ServerProcess, repo: string, tag: string, seconds: number): Promise<number> {
  const result = await wrk(`${server.baseUrl}/v2/${repo}/manifests/${tag}`, {
    threads: 2,
    connections: 32,
    seconds,
    headers: { Accept: DOCKER_MANIFEST_ACCEPT },
  });
  if (result.non2xx > 0 || result.socketErrors > 0 || result.requests === 0) {
    throw new Error(
      `manifest GET load against ${server.baseUrl}: ${result.non2xx} non-2xx answers and ${result.socketErrors} socket errors in ${result.requests} requests; see ${server.logFile}`,
    );
  }
  return result.requestsPerSecond;
}
