import { DOCKER_MANIFEST_ACCEPT, pushSmallImage } from '../registry-client.js';
import { wrk } from '../wrk.js';
import { CpuMeter, type CpuUse } from './cpu.js';
import type { Deployment } from './deployment.js';

/**
 * A small image pushed under a tag, then `wrk -t2 -c32` of manifest GETs by tag through the
 * deployment's haproxy, with docker's Accept header and the client's credentials on every request.
 * Any non-2xx answer or socket error fails the run: a fast stream of errors is not a result.
 */
export async function manifestLoad(deployment: Deployment, seconds: number): Promise<{ requestsPerSecond: number; cpu: CpuUse }> {
  await pushSmallImage(deployment.proxyUrl, 'bench/image', 'latest', deployment.headers);
  const meter = new CpuMeter(deployment.cpuGroups);
  const result = await wrk(`${deployment.proxyUrl}/v2/bench/image/manifests/latest`, {
    threads: 2,
    connections: 32,
    seconds,
    headers: { ...deployment.headers, Accept: DOCKER_MANIFEST_ACCEPT },
  });
  const cpu = meter.finish();
  if (result.non2xx > 0 || result.socketErrors > 0 || result.requests === 0) {
    throw new Error(
      `manifest GETs against ${deployment.label}: ${result.non2xx} non-2xx and ${result.socketErrors} socket errors in ${result.requests} requests; see the logs under .bench-work/scale-out/`,
    );
  }
  return { requestsPerSecond: result.requestsPerSecond, cpu };
}
