/**
 * Garbage collection under load, over real HTTP: clients push images (shared base layers, layers
 * that churn in and out of use, unique layers, referrers) with every blob-upload style, delete some,
 * and pull their own, while GC runs back to back with a one-second grace period. Afterwards every
 * image that was pushed and not deleted must pull with every blob matching its digest, and a final
 * GC must leave storage holding exactly the referenced blobs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GcSummary } from '../../src/gc/types.js';
import { sha256 } from '../support/digest.js';
import { OCI_CONFIG, OCI_EMPTY, OCI_LAYER_TAR, OCI_MANIFEST } from '../support/media-types.js';
import { descriptorOf, manifestDocument } from '../support/oci.js';
import { type TestServer, startServer } from '../support/server.js';
import { bytes } from './helpers/world.js';
import { type BlobStrategy, OciHttp } from './helpers/oci-http.js';

const CLIENTS = 10;
const ITERATIONS = 12;
const REPOS = ['race/a', 'race/b', 'race/c', 'race/d'];
const EMPTY = Buffer.from('{}');

interface Pushed {
  repo: string;
  digest: string;
  blobs: string[];
}

/** A seeded generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('garbage collection racing pushes, deletes and pulls', () => {
  let server: TestServer;
  let http: OciHttp;
  const base = Array.from({ length: 6 }, (_, i) => bytes(4096 + i * 512, `base-${i}`));
  // Layers that drop out of use and come back: swept and re-uploaded while other clients push them.
  const churn = Array.from({ length: 4 }, (_, i) => bytes(2048 + i * 100, `churn-${i}`));

  beforeAll(async () => {
    server = await startServer({
      prefix: 'gc-race',
      config: {
        shutdown: { graceSeconds: 1 },
        gc: { graceSeconds: 1 },
        // Pushes and pulls over /v2 without credentials.
        auth: { mode: 'none' },
      },
    });
    http = new OciHttp(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('every image pushed and not deleted pulls intact, and storage ends holding exactly what is referenced', async () => {
    const kept: Pushed[] = [];
    const deleted: Pushed[] = [];
    const stats = { pushes: 0, failedPushes: 0, retriedPushes: 0, pulls: 0 };

    async function pushBlobs(repo: string, parts: Buffer[], next: () => number): Promise<boolean> {
      const strategies: BlobStrategy[] = ['head-first', 'monolithic', 'session', 'mount'];
      for (const part of parts) {
        const strategy = strategies[Math.floor(next() * strategies.length)]!;
        const from = REPOS[Math.floor(next() * REPOS.length)]!;
        if (!(await http.pushBlob(repo, part, strategy, from === repo ? undefined : from))) return false;
      }
      return true;
    }

    /** Pushes blobs then the manifest; a manifest refused for a blob swept meanwhile is pushed again, as docker would. */
    async function push(repo: string, tag: string, layers: Buffer[], next: () => number, subject?: Pushed): Promise<Pushed | undefined> {
      const config = subject ? EMPTY : Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', tag, nonce: next() }));
      const manifest = Buffer.from(
        JSON.stringify(
          manifestDocument({
            ...(subject && { artifactType: 'application/vnd.example.sbom' }),
            config: descriptorOf(config, subject ? OCI_EMPTY : OCI_CONFIG),
            layers: layers.map((l) => descriptorOf(l, OCI_LAYER_TAR)),
            ...(subject && { subject: { mediaType: OCI_MANIFEST, digest: subject.digest, size: 1 } }),
          }),
        ),
      );
      for (let attempt = 1; attempt <= 3; attempt++) {
        if (!(await pushBlobs(repo, [config, ...layers], next))) continue;
        const put = await http.putManifest(repo, subject ? sha256(manifest) : tag, manifest, OCI_MANIFEST);
        if (put.status === 201) return { repo, digest: sha256(manifest), blobs: [sha256(config), ...layers.map(sha256)] };
        if (put.code !== 'MANIFEST_BLOB_UNKNOWN') throw new Error(`manifest PUT failed: ${put.status} ${put.code}`);
        stats.retriedPushes++;
      }
      return undefined;
    }

    async function pullVerified(image: Pushed): Promise<void> {
      const manifest = await http.getManifest(image.repo, image.digest);
      expect(manifest.status, `manifest ${image.digest} in ${image.repo}`).toBe(200);
      expect(sha256(manifest.body)).toBe(image.digest);
      for (const digest of image.blobs) {
        const blob = await http.getBlob(image.repo, digest);
        expect(blob.status, `blob ${digest} of ${image.digest} in ${image.repo}`).toBe(200);
        expect(sha256(blob.body)).toBe(digest);
      }
    }

    async function client(id: number): Promise<void> {
      const next = random(id + 1);
      const mine: Pushed[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const repo = REPOS[(id + i) % REPOS.length]!;
        const layers = [base[Math.floor(next() * base.length)]!, bytes(1024 + id * 37 + i, `unique-${id}-${i}`)];
        if (next() < 0.5) layers.push(churn[Math.floor(next() * churn.length)]!);
        stats.pushes++;
        const image = await push(repo, `c${id}-${i}`, layers, next);
        if (!image) {
          stats.failedPushes++;
          continue;
        }
        mine.push(image);
        // An image pushed only to be deleted: its churn layer drops out of use.
        if (next() < 0.3) {
          const doomed = await push(repo, `doomed-${id}-${i}`, [churn[Math.floor(next() * churn.length)]!], next);
          if (doomed && (await http.deleteManifest(repo, doomed.digest)) === 202) deleted.push(doomed);
        }
        if (next() < 0.2) {
          const referrer = await push(repo, `sbom-${id}-${i}`, [bytes(300 + i, `sbom-${id}-${i}`)], next, image);
          if (referrer) mine.push(referrer);
        }
        if (next() < 0.3 && mine.length > 1) {
          const victim = mine.splice(Math.floor(next() * mine.length), 1)[0]!;
          expect(await http.deleteManifest(victim.repo, victim.digest)).toBe(202);
          deleted.push(victim);
        }
        if (next() < 0.5 && mine.length > 0) {
          await pullVerified(mine[Math.floor(next() * mine.length)]!);
          stats.pulls++;
        }
      }
      kept.push(...mine);
    }

    const runs: GcSummary[] = [];
    let clientsDone = false;
    const collector = (async () => {
      while (!clientsDone) {
        runs.push(await server.app.gc.run({ graceMs: 1000 }));
        await sleep(10);
      }
    })();
    try {
      await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id)));
    } finally {
      clientsDone = true;
      await collector;
    }

    // The run exercised what it claims to: garbage was collected while clients worked.
    expect(runs.length).toBeGreaterThan(3);
    expect(runs.reduce((sum, r) => sum + r.blobsDeleted, 0)).toBeGreaterThan(0);
    expect(stats.failedPushes).toBeLessThan(stats.pushes / 10);
    expect(kept.length).toBeGreaterThan(CLIENTS * ITERATIONS * 0.5);
    for (const run of runs) expect(run.missingFiles).toBe(0);

    for (const image of kept) await pullVerified(image);

    // With no clients left, a zero-grace run leaves exactly the referenced blobs, each pulling intact.
    const final = await server.app.gc.run({ graceMs: 0 });
    expect(final.missingFiles).toBe(0);
    for (const image of kept) await pullVerified(image);
    const referenced = new Set(kept.flatMap((image) => image.blobs));
    const stored = new Set<string>();
    for await (const blob of server.app.blobs.walkBlobs()) stored.add(blob.digest);
    expect([...stored].sort()).toEqual([...referenced].sort());
    expect(final.remainingBlobs).toBe(referenced.size);
    // Blobs only deleted images used are gone.
    const onlyDeleted = deleted.flatMap((image) => image.blobs).filter((digest) => !referenced.has(digest));
    expect(onlyDeleted.length).toBeGreaterThan(0);
    for (const digest of onlyDeleted) expect(stored.has(digest)).toBe(false);
  }, 240_000);
});
