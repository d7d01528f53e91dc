import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestBlob } from '../random-file.js';
import type { RegistryServer } from '../servers/types.js';
import { MB } from '../stats.js';
import type { SuiteContext } from '../types.js';
import { timedGet, timedPull, timedPush } from './blob-transfer.js';
import { Samples } from './samples.js';

export interface BlobRounds {
  push: Samples;
  pull: Samples;
  /** Peak RSS during the push, MB. */
  rss: Samples;
  /** Pulls from the zero-copy reference server (sendfile-server.ts), MB/s; empty without one. */
  reference: number[];
}

/**
 * Pushes the blob to each server and pulls it back, `repetitions` times. Every push goes to a
 * freshly started server with an empty data directory (the same blob pushed twice into one
 * registry would be deduplicated), and the servers take turns so drift on a shared machine hits all
 * of them alike. Servers in `pushOnly` are not pulled from. A `reference` (a server of the blob's
 * file, not a registry) is pulled from once per round, after the registries.
 */
export async function blobRounds(
  ctx: SuiteContext,
  servers: RegistryServer[],
  blob: TestBlob,
  repetitions: number,
  pushOnly: ReadonlySet<RegistryServer> = new Set(),
  reference?: { url: string; logFile: string },
): Promise<BlobRounds> {
  const rounds: BlobRounds = { push: new Samples(), pull: new Samples(), rss: new Samples(), reference: [] };
  const repo = 'bench/blob';
  for (let rep = 1; rep <= repetitions; rep++) {
    for (const server of servers) {
      const dataDir = join(ctx.workDir, `${server.label.replace(/\W+/g, '-')}-${rep}`);
      const instance = await server.start(dataDir);
      try {
        const pushed = await timedPush(instance, repo, blob);
        rounds.push.add(server, pushed.mbPerSecond);
        rounds.rss.add(server, pushed.peakRssBytes / MB);
        let line = `${server.label} #${rep}: push ${pushed.mbPerSecond.toFixed(0)} MB/s, peak RSS ${(pushed.peakRssBytes / MB).toFixed(0)} MB`;
        if (!pushOnly.has(server)) {
          const pulled = await timedPull(instance, repo, blob);
          rounds.pull.add(server, pulled);
          line += `, pull ${pulled.toFixed(0)} MB/s`;
        }
        ctx.log(line);
      } finally {
        await instance.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    if (reference) {
      const pulled = await timedGet(reference.url, blob, reference.logFile);
      rounds.reference.push(pulled);
      ctx.log(`sendfile reference #${rep}: pull ${pulled.toFixed(0)} MB/s`);
    }
  }
  return rounds;
}
