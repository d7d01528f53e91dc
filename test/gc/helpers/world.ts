/**
 * An in-process Berth core (metadata on a file, blobs on disk, registry services, a collector)
 * with a hand-driven clock, for garbage-collection tests that must control time and interleavings.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { BlobGuard, type BlobGuardOptions } from '../../../src/gc/blob-guard.js';
import { type CollectorDeps, GarbageCollector } from '../../../src/gc/collector.js';
import type { GcRunOptions, GcSummary } from '../../../src/gc/types.js';
import { SqliteMetadataStore } from '../../../src/metadata/sqlite/store.js';
import { createRegistry, type Registry } from '../../../src/registry/index.js';
import { BlobStore } from '../../../src/storage/blob-store.js';
import type { StorageDriver } from '../../../src/storage/driver.js';
import { FilesystemDriver } from '../../../src/storage/filesystem/driver.js';
import { TestClock } from '../../support/clock.js';
import { sha256 } from '../../support/digest.js';
import { OCI_CONFIG, OCI_LAYER_TAR, OCI_MANIFEST } from '../../support/media-types.js';
import { descriptorOf, manifestDocument } from '../../support/oci.js';
import { removeDir, tempDir } from '../../support/temp.js';

export const ACCOUNT = '111122223333';
export const HOUR = 3_600_000;
export const GRACE = HOUR;
/** Past the grace period with room for the real time the test itself takes (file times are real). */
export const PAST_GRACE = GRACE + 60_000;

export const key = (name: string) => ({ accountId: ACCOUNT, name });

export interface World {
  dir: string;
  store: SqliteMetadataStore;
  blobs: BlobStore;
  registry: Registry;
  collector: GarbageCollector;
  /** Moves the shared clock forward. */
  advance(ms: number): void;
  now(): Date;
  gc(options?: Partial<GcRunOptions>): Promise<GcSummary>;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Wraps the filesystem driver (to pause storage operations at chosen points). */
  wrapDriver?: (driver: StorageDriver) => StorageDriver;
  guard?: Partial<BlobGuardOptions>;
  collector?: Partial<CollectorDeps>;
}

export async function createWorld(options: WorldOptions = {}): Promise<World> {
  const dir = await tempDir('gc');
  // Real file times are "now"; the clock starts there so they compare meaningfully with it.
  const clock = new TestClock(new Date());
  const now = clock.now;
  const store = SqliteMetadataStore.open(join(dir, 'metadata.db'));
  const fsDriver = new FilesystemDriver({ root: join(dir, 'storage'), fsync: false });
  const blobs = new BlobStore(options.wrapDriver ? options.wrapDriver(fsDriver) : fsDriver);
  const log = pino({ level: 'silent' });
  const registry = createRegistry({
    store,
    blobs,
    options: { createRepositoryOnPush: true, maxBlobBytes: 1024 ** 3 },
    log,
    now,
    guard: new BlobGuard(store.gc, { graceMs: GRACE, now, ...options.guard }),
  });
  const collector = new GarbageCollector({
    store,
    blobs,
    log,
    now,
    purgeIdleUploads: (before) => registry.uploads.purgeIdle(before),
    // Small pages and batches so a handful of blobs exercises paging and batching.
    pageSize: 3,
    batchSize: 2,
    ...options.collector,
  });
  return {
    dir,
    store,
    blobs,
    registry,
    collector,
    advance: (ms) => clock.advance(ms),
    now,
    gc: (run = {}) => collector.run({ graceMs: GRACE, ...run }),
    async close() {
      await store.close();
      await removeDir(dir);
    },
  };
}

/** Uploads a blob in one request, as `docker push` does for small layers. */
/** What the push and pull helpers need: a world, or a whole app (`BerthApp` has `registry` too). */
export type HasRegistry = Pick<World, 'registry'>;

export async function uploadBlob(world: HasRegistry, repository: string, content: Buffer): Promise<string> {
  const digest = sha256(content);
  await world.registry.uploads.monolithic(key(repository), digest, Readable.from([content]), 'test');
  return digest;
}

export interface Image {
  repository: string;
  digest: string;
  /** Config first, then layers. */
  blobs: { digest: string; size: number }[];
}

/** Pushes config + layers and an OCI image manifest naming them (tagged when `tag` is given). */
export async function pushImage(world: HasRegistry, repository: string, layers: Buffer[], tag?: string): Promise<Image> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', layers: layers.length, salt: Math.random() }));
  const parts = [config, ...layers];
  for (const part of parts) await uploadBlob(world, repository, part);
  const manifest = Buffer.from(
    JSON.stringify(manifestDocument({ config: descriptorOf(config, OCI_CONFIG), layers: layers.map((l) => descriptorOf(l, OCI_LAYER_TAR)) })),
  );
  const put = await world.registry.manifests.put(key(repository), {
    reference: tag ?? sha256(manifest),
    content: manifest,
    contentType: OCI_MANIFEST,
    actor: 'test',
  });
  return { repository, digest: put.digest, blobs: parts.map((p) => ({ digest: sha256(p), size: p.length })) };
}

/** Pulls an image the way a client does and checks every blob against its digest. */
export async function pullVerified(world: HasRegistry, image: Image): Promise<void> {
  const manifest = await world.registry.manifests.get(key(image.repository), image.digest, ['*/*'], false);
  const parsed = JSON.parse(manifest.content.toString()) as { config: { digest: string }; layers: { digest: string }[] };
  for (const digest of [parsed.config.digest, ...parsed.layers.map((l) => l.digest)]) {
    const { stream } = await world.registry.blobs.open(key(image.repository), digest);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (sha256(Buffer.concat(chunks)) !== digest) throw new Error(`blob ${digest} does not match its digest`);
  }
}

export async function fileExists(world: World, digest: string): Promise<boolean> {
  return (await world.blobs.stat(digest)) !== undefined;
}

export function bytes(size: number, seed: string): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < size; i += block.length) {
    block.copy(out, i);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** A promise with its resolve function outside, to pause work at a chosen point. */
export function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}
