import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { GC_COMPLETED_EVENT } from '../../src/gc/collector.js';
import { RUN_LEASE_KEY } from '../../src/gc/leases.js';
import { sha256 } from '../support/digest.js';
import { GRACE, HOUR, PAST_GRACE, type World, bytes, createWorld, fileExists, key, pullVerified, pushImage, uploadBlob } from './helpers/world.js';

describe('garbage collection', () => {
  let world: World;
  beforeEach(async () => {
    world = await createWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  const base = [bytes(3000, 'base-1'), bytes(5000, 'base-2')];

  it('deleting an image frees exactly its unshared blobs', async () => {
    const a = await pushImage(world, 'team/app', [...base, bytes(7000, 'a-only')], 'a');
    const b = await pushImage(world, 'team/app', [...base, bytes(11000, 'b-only')], 'b');
    await world.registry.manifests.delete(key('team/app'), a.digest, { actor: 'test' });
    world.advance(PAST_GRACE);

    const summary = await world.gc();

    const freed = a.blobs.filter((blob) => !b.blobs.some((kept) => kept.digest === blob.digest));
    expect(freed).toHaveLength(2); // a's config and its own layer
    expect(summary).toMatchObject({
      blobsDeleted: 2,
      blobBytesFreed: freed.reduce((sum, blob) => sum + blob.size, 0),
      remainingBlobs: 4,
      missingFiles: 0,
    });
    for (const blob of freed) {
      expect(await fileExists(world, blob.digest)).toBe(false);
      await expect(world.registry.blobs.stat(key('team/app'), blob.digest)).rejects.toMatchObject({ code: 'BlobNotFound' });
    }
    await pullVerified(world, b);
    // A second run finds nothing more.
    expect((await world.gc()).blobsDeleted).toBe(0);
  });

  it('keeps a blob shared with another repository when one repository is deleted', async () => {
    const first = await pushImage(world, 'one', [...base, bytes(900, 'one-only')], 'v1');
    const second = await pushImage(world, 'two', base, 'v1');
    const one = await world.registry.repositories.get(key('one'));
    await world.registry.repositories.delete(key('one'), true, 'test');
    expect(await world.store.registry.getRepositoryById(one.id)).toBeUndefined();
    world.advance(PAST_GRACE);

    const summary = await world.gc();

    expect(summary.blobsDeleted).toBe(2); // first's config and its own layer
    for (const layer of base) expect(await fileExists(world, sha256(layer))).toBe(true);
    expect(await fileExists(world, first.blobs[3]!.digest)).toBe(false);
    await pullVerified(world, second);
  });

  it('leaves an unreferenced blob alone during the grace period, and a read extends it', async () => {
    const digest = await uploadBlob(world, 'team/app', bytes(4096, 'pending'));
    world.advance(GRACE - 60_000);
    expect((await world.gc()).blobsDeleted).toBe(0);
    // A client HEAD-checks the blob (it may name it in a manifest next): the grace period restarts.
    await world.registry.blobs.stat(key('team/app'), digest);
    world.advance(2 * 60_000);
    expect((await world.gc()).blobsDeleted).toBe(0);
    expect(await fileExists(world, digest)).toBe(true);
    world.advance(GRACE);
    expect(await world.gc()).toMatchObject({ blobsDeleted: 1, blobBytesFreed: 4096 });
    expect(await fileExists(world, digest)).toBe(false);
    expect(await world.store.gc.hasBlob(digest)).toBe(false);
  });

  it('a dry run deletes nothing and reports what the real run then frees', async () => {
    const image = await pushImage(world, 'team/app', [bytes(2000, 'x'), bytes(3000, 'y')], 'v1');
    await world.registry.manifests.delete(key('team/app'), image.digest, { actor: 'test' });
    await world.blobs.driver.putContent(BlobStore.blobPath(sha256(bytes(123, 'orphan'))), bytes(123, 'orphan'));
    await world.blobs.driver.putContent(`uploads/${randomUUID()}/data`, Buffer.from('abandoned'));
    const stale = await world.registry.uploads.start(key('team/app'), 'test');
    world.advance(PAST_GRACE);

    const dry = await world.gc({ dryRun: true, uploadIdleMs: HOUR });
    for (const blob of image.blobs) expect(await fileExists(world, blob.digest)).toBe(true);
    expect(await world.store.registry.getUpload(stale.id)).toBeDefined();
    expect(await world.store.events.list({ type: GC_COMPLETED_EVENT, limit: 10 })).toEqual([]);

    const real = await world.gc({ uploadIdleMs: HOUR });
    const counted = (s: typeof dry) => ({
      blobsDeleted: s.blobsDeleted,
      blobBytesFreed: s.blobBytesFreed,
      orphanFilesDeleted: s.orphanFilesDeleted,
      orphanBytesFreed: s.orphanBytesFreed,
      orphanUploadsDeleted: s.orphanUploadsDeleted,
      staleUploadsDeleted: s.staleUploadsDeleted,
      bytesFreed: s.bytesFreed,
    });
    expect(counted(dry)).toEqual(counted(real));
    expect(counted(real)).toEqual({
      blobsDeleted: 3,
      blobBytesFreed: image.blobs.reduce((sum, b) => sum + b.size, 0),
      orphanFilesDeleted: 1,
      orphanBytesFreed: 123,
      orphanUploadsDeleted: 1,
      staleUploadsDeleted: 1,
      bytesFreed: image.blobs.reduce((sum, b) => sum + b.size, 0) + 123,
    });
    expect(dry.dryRun).toBe(true);
    for (const blob of image.blobs) expect(await fileExists(world, blob.digest)).toBe(false);
    expect(await world.store.registry.getUpload(stale.id)).toBeUndefined();
    expect(await world.blobs.listUploadIds()).toEqual([]);
  });

  it('deletes orphan files and upload directories only once they are past the grace period', async () => {
    const orphan = bytes(500, 'orphan');
    await world.blobs.driver.putContent(BlobStore.blobPath(sha256(orphan)), orphan);
    const abandoned = randomUUID();
    await world.blobs.driver.putContent(`uploads/${abandoned}/data`, Buffer.from('partial'));
    const live = await world.registry.uploads.start(key('team/app'), 'test');

    expect(await world.gc()).toMatchObject({ orphanFilesDeleted: 0, orphanUploadsDeleted: 0 });
    expect(await fileExists(world, sha256(orphan))).toBe(true);

    world.advance(PAST_GRACE);
    expect(await world.gc()).toMatchObject({ orphanFilesDeleted: 1, orphanBytesFreed: 500, orphanUploadsDeleted: 1 });
    expect(await fileExists(world, sha256(orphan))).toBe(false);
    // A session with a row is the upload purge's business (idle time), not an orphan.
    expect(await world.blobs.listUploadIds()).toEqual([live.id]);
  });

  it('reports blob rows whose file is missing, keeping referenced ones and removing unreferenced ones', async () => {
    const image = await pushImage(world, 'team/app', [bytes(100, 'kept-layer')], 'v1');
    const loose = await uploadBlob(world, 'team/app', bytes(200, 'loose'));
    const layer = image.blobs[1]!.digest;
    await world.blobs.delete(layer);
    await world.blobs.delete(loose);
    world.advance(PAST_GRACE);

    const summary = await world.gc();

    expect(summary.missingFiles).toBe(2);
    expect(summary.missingExamples.sort()).toEqual([layer, loose].sort());
    expect(summary).toMatchObject({ blobsDeleted: 1, blobBytesFreed: 0 });
    expect(await world.store.gc.hasBlob(layer)).toBe(true);
    expect(await world.store.gc.hasBlob(loose)).toBe(false);
    expect(await world.store.registry.getRepositoryBlob((await world.registry.repositories.get(key('team/app'))).id, loose)).toBeUndefined();
  });

  it('pages through many blobs in bounded batches', async () => {
    const digests: string[] = [];
    for (let i = 0; i < 25; i++) digests.push(await uploadBlob(world, `repo-${i % 3}`, bytes(10 + i, `many-${i}`)));
    await pushImage(world, 'repo-0', [bytes(10, 'many-0')], 'keep');
    world.advance(PAST_GRACE);
    const summary = await world.gc();
    expect(summary).toMatchObject({ blobsScanned: 26, blobsDeleted: 24, remainingBlobs: 2 });
    expect(await fileExists(world, digests[0]!)).toBe(true);
    for (const digest of digests.slice(1)) expect(await fileExists(world, digest)).toBe(false);
  });

  it('records each run in the outbox and refuses to run twice at once', async () => {
    const summary = await world.gc();
    const events = await world.store.events.list({ type: GC_COMPLETED_EVENT, limit: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ blobsDeleted: summary.blobsDeleted, dryRun: false });

    await world.store.gc.acquireLeases([RUN_LEASE_KEY], 'another-node', 60_000, world.now());
    const err = await world.gc().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('Conflict');
    // A dry run writes nothing, so it needs no lock.
    await world.gc({ dryRun: true });
    // A crashed run's lock lapses.
    world.advance(61_000);
    await world.gc();
  });

  it('finishes the batch in hand and stops when aborted', async () => {
    for (let i = 0; i < 10; i++) await uploadBlob(world, 'team/app', bytes(10, `abort-${i}`));
    world.advance(PAST_GRACE);
    const controller = new AbortController();
    const run = world.gc({
      signal: controller.signal,
      hooks: { afterScan: () => controller.abort(new Error('stop')) },
    });
    await expect(run).rejects.toThrow('stop');
    expect((await world.store.gc.totals()).blobs).toBe(8);
    // Its run lock was released, so the next run proceeds.
    expect((await world.gc()).blobsDeleted).toBe(8);
  });
});
