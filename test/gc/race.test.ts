/**
 * Garbage collection under load, over real HTTP: clients push images (shared base layers, layers
 * that churn in and out of use, unique layers, referrers) with every blob-upload style, delete some,
 * and pull their own, while GC runs back to back with a one-second grace period. Afterwards every
 * image that was pushed and not deleted must pull with every blob matching its digest, and a final
 * GC must leave storage holding exactly the referenced blobs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BerthApp, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import type { GcSummary } from '../../src/gc/types.js';
import { bytes } from './helpers/world.js';
import { type BlobStrategy, OciHttp, sha256 } from './helpers/oci-http.js';

const CLIENTS = 10;
const ITERATIONS = 12;
const REPOS = ['race/a', 'race/b', 'race/c', 'race/d'];
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
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
  let app: BerthApp;
  let dataDir: string;
  let http: OciHttp;
  const base = Array.from({ length: 6 }, (_, i) => bytes(4096 + i * 512, `base-${i}`));
  // Layers that drop out of use and come back: swept and re-uploaded while other clients push them.
  const churn = Array.from({ length: 4 }, (_, i) => bytes(2048 + i * 100, `churn-${i}`));

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-gc-race-'));
    const config = loadConfig({
      env: {},
      overrides: {
        dataDir,
        log: { level: 'silent' },
        storage: { filesystem: { fsync: false } },
        shutdown: { graceSeconds: 1 },
        gc: { graceSeconds: 1 },
        // Pushes and pulls over /v2 without credentials.
        auth: { mode: 'none' },
      },
    });
    app = await buildApp(config);
    await app.server.listen({ host: '127.0.0.1', port: 0 });
    http = new OciHttp(`http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
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
      const descriptor = (data: Buffer, mediaType: string) => ({ mediaType, digest: sha256(data), size: data.length });
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          ...(subject && { artifactType: 'application/vnd.example.sbom' }),
          config: descriptor(config, subject ? 'application/vnd.oci.empty.v1+json' : 'application/vnd.oci.image.config.v1+json'),
          layers: layers.map((l) => descriptor(l, 'application/vnd.oci.image.layer.v1.tar')),
          ...(subject && { subject: { mediaType: OCI_MANIFEST, digest: subject.digest, size: 1 } }),
        }),
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
        runs.push(await app.gc.run({ graceMs: 1000 }));
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
    const final = await app.gc.run({ graceMs: 0 });
    expect(final.missingFiles).toBe(0);
    for (const image of kept) await pullVerified(image);
    const referenced = new Set(kept.flatMap((image) => image.blobs));
    const stored = new Set<string>();
    for await (const blob of app.blobs.walkBlobs()) stored.add(blob.digest);
    expect([...stored].sort()).toEqual([...referenced].sort());
    expect(final.remainingBlobs).toBe(referenced.size);
    // Blobs only deleted images used are gone.
    const onlyDeleted = deleted.flatMap((image) => image.blobs).filter((digest) => !referenced.has(digest));
    expect(onlyDeleted.length).toBeGreaterThan(0);
    for (const digest of onlyDeleted) expect(stored.has(digest)).toBe(false);
  }, 240_000);
});
