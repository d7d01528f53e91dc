import { join } from 'node:path';
import { pushSmallImage } from '../registry-client.js';
import type { RegistryServer } from '../servers/types.js';
import type { SuiteContext } from '../types.js';
import { manifestLoad } from './manifest-load.js';
import { Samples } from './samples.js';

/**
 * Starts each server, pushes a small image under a tag, then runs the manifest GET load against
 * each in turn, `repetitions` times (one server under load at a time; the other sits idle).
 */
export async function manifestRounds(
  ctx: SuiteContext,
  servers: RegistryServer[],
  repetitions: number,
  seconds: number,
): Promise<Samples> {
  const samples = new Samples();
  const running = await Promise.all(
    servers.map(async (server) => {
      const instance = await server.start(join(ctx.workDir, `${server.label.replace(/\W+/g, '-')}-manifests`));
      await pushSmallImage(instance.baseUrl, 'bench/image', 'latest');
      return { server, instance };
    }),
  );
  try {
    for (let rep = 1; rep <= repetitions; rep++) {
      for (const { server, instance } of running) {
        const rps = await manifestLoad(instance, 'bench/image', 'latest', seconds);
        samples.add(server, rps);
        ctx.log(`${server.label} #${rep}: ${rps.toFixed(0)} manifest GETs/s`);
      }
    }
  } finally {
    await Promise.all(running.map(({ instance }) => instance.stop()));
  }
  return samples;
}
