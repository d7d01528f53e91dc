/**
 * The races that matter, forced deterministically: each test stops one side at the dangerous
 * point and runs the other side there, then checks that no blob ended up with a row but no file
 * and that every image still pulls intact.
 */
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobStore } from '../../src/storage/blob-store.js';
import { sha256 } from '../support/digest.js';
import { OCI_CONFIG, OCI_LAYER_TAR, OCI_MANIFEST } from '../support/media-types.js';
import { descriptorOf, manifestDocument } from '../support/oci.js';
import { pausableDriver, within, writerRefused } from './helpers/pauses.js';
import { GRACE, PAST_GRACE, type World, bytes, createWorld, fileExists, key, pullVerified, pushImage, uploadBlob } from './helpers/world.js';

let world: World;
afterEach(async () => {
  await world.close();
});

/** The invariant GC must never break: every blob row has its file. */
async function expectConsistent(digest: string): Promise<void> {
  expect(await world.store.gc.hasBlob(digest)).toBe(await fileExists(world, digest));
}

describe('sweep against a concurrent upload of the same content', () => {
  it('a re-upload waits for the sweep holding its digest, then puts the blob back', async () => {
    world = await createWorld();
    const content = bytes(5000, 'contended');
    const digest = await uploadBlob(world, 'old/app', content);
    world.advance(PAST_GRACE);

    let reupload: Promise<string> | undefined;
    let finishedEarly = false;
    const summary = await world.gc({
      hooks: {
        // Rows are gone, the file is not yet: the worst moment for a commit that finds the file.
        beforeFileDelete: async (digests) => {
          if (!digests.includes(digest)) return;
          const refused = writerRefused(world, digest);
          reupload = uploadBlob(world, 'new/app', content);
          const finished = reupload.then(() => (finishedEarly = true));
          // Either it queues for the lease (right) or it completes against the doomed file (the bug).
          await within(Promise.race([refused, finished]), 5000, 'the re-upload to wait for the lease');
          expect(finishedEarly).toBe(false);
        },
      },
    });
    expect(summary.blobsDeleted).toBe(1);
    await reupload;

    expect(await fileExists(world, digest)).toBe(true);
    await expectConsistent(digest);
    const image = await pushImage(world, 'new/app', [content], 'v1');
    await pullVerified(world, image);
  });

  it('the sweep leaves a blob alone while a re-upload is between finding it and linking it', async () => {
    const pauses = { current: undefined as ReturnType<typeof pausableDriver> | undefined };
    world = await createWorld({ wrapDriver: (inner) => (pauses.current = pausableDriver(inner)).driver });
    const content = bytes(6000, 'relinked');
    const digest = await uploadBlob(world, 'old/app', content);
    world.advance(PAST_GRACE);

    const pause = pauses.current!.pauseNextCommit();
    const reupload = uploadBlob(world, 'new/app', content);
    await within(pause.reached, 5000, 'the commit to reach its link');
    const summary = await world.gc();
    pause.resume();
    await reupload;

    expect(summary).toMatchObject({ blobsDeleted: 0, blobsKept: 1 });
    await expectConsistent(digest);
    expect(await fileExists(world, digest)).toBe(true);
    // The link refreshed the blob: the next run keeps it too, so the push can finish.
    expect((await world.gc()).blobsDeleted).toBe(0);
    await pullVerified(world, await pushImage(world, 'new/app', [content], 'v1'));
  });

  it('the storage pass leaves a new blob alone between its move into place and its link', async () => {
    const pauses = { current: undefined as ReturnType<typeof pausableDriver> | undefined };
    world = await createWorld({ wrapDriver: (inner) => (pauses.current = pausableDriver(inner)).driver });
    const content = bytes(7000, 'brand-new');
    const digest = sha256(content);

    const pause = pauses.current!.pauseNextCommit();
    const upload = uploadBlob(world, 'team/app', content);
    await within(pause.reached, 5000, 'the commit to reach its link');
    // The moved file has no row yet and keeps the staged upload's time, which is old when the
    // client sent its last chunk long ago: an orphan by its looks.
    const path = join(world.dir, 'storage', BlobStore.blobPath(digest));
    const longAgo = new Date(Date.now() - 2 * GRACE);
    await utimes(path, longAgo, longAgo);
    const summary = await world.gc();
    pause.resume();
    await upload;

    expect(summary.orphanFilesDeleted).toBe(0);
    await expectConsistent(digest);
    expect(await world.store.gc.hasBlob(digest)).toBe(true);
  });
});

describe('sweep against a manifest push', () => {
  it('a HEAD between the scan and the delete keeps the blob for the manifest that follows', async () => {
    world = await createWorld();
    const layer = bytes(3000, 'checked');
    const digest = await uploadBlob(world, 'team/app', layer);
    world.advance(PAST_GRACE);

    const summary = await world.gc({
      hooks: {
        afterScan: async (digests) => {
          // docker push HEADs each layer and skips the upload when it is there.
          if (digests.includes(digest)) await world.registry.blobs.stat(key('team/app'), digest);
        },
      },
    });

    expect(summary).toMatchObject({ blobsDeleted: 0, blobsKept: 1 });
    await pullVerified(world, await pushImage(world, 'team/app', [layer], 'v1'));
  });

  it('without that HEAD the blob is swept and the manifest is refused, not stored broken', async () => {
    world = await createWorld();
    const layer = bytes(3000, 'unchecked');
    const digest = await uploadBlob(world, 'team/app', layer);
    world.advance(PAST_GRACE);
    expect((await world.gc()).blobsDeleted).toBe(1);
    await expect(pushImageWithoutUpload(world, 'team/app', layer)).rejects.toMatchObject({ code: 'ManifestBlobUnknown' });
    await expectConsistent(digest);
  });

  it('a manifest stored between the scan and the delete keeps its blobs', async () => {
    world = await createWorld();
    const layer = bytes(4000, 'referenced-late');
    const digest = await uploadBlob(world, 'team/app', layer);
    world.advance(PAST_GRACE);
    let image: Awaited<ReturnType<typeof pushImage>> | undefined;

    const summary = await world.gc({
      hooks: {
        afterScan: async (digests) => {
          if (digests.includes(digest)) image = await pushImage(world, 'team/app', [layer], 'late');
        },
      },
    });

    expect(summary.blobsDeleted).toBe(0);
    await pullVerified(world, image!);
  });
});

describe('sweep against a cross-repository mount', () => {
  it('a mount before the delete links and keeps the blob', async () => {
    world = await createWorld();
    const layer = bytes(2500, 'mounted');
    const digest = await uploadBlob(world, 'source', layer);
    world.advance(PAST_GRACE);
    let mounted: unknown;
    const summary = await world.gc({
      hooks: {
        afterScan: async (digests) => {
          if (digests.includes(digest)) mounted = await world.registry.blobs.mount(key('target'), key('source'), digest, 'test');
        },
      },
    });
    expect(mounted).toMatchObject({ digest });
    expect(summary.blobsDeleted).toBe(0);
    await pullVerified(world, await pushImage(world, 'target', [layer], 'v1'));
  });

  it('the sweep leaves a blob alone while a mount is between finding its file and linking it', async () => {
    const pauses = { current: undefined as ReturnType<typeof pausableDriver> | undefined };
    world = await createWorld({ wrapDriver: (inner) => (pauses.current = pausableDriver(inner)).driver });
    const layer = bytes(2500, 'mount-racing');
    const digest = await uploadBlob(world, 'source', layer);
    world.advance(PAST_GRACE);

    const pause = pauses.current!.pauseNextBlobStat();
    const mount = world.registry.blobs.mount(key('target'), key('source'), digest, 'test');
    await within(pause.reached, 5000, 'the mount to find the file');
    const summary = await world.gc();
    pause.resume();

    expect(await mount).toMatchObject({ digest });
    expect(summary).toMatchObject({ blobsDeleted: 0, blobsKept: 1 });
    await expectConsistent(digest);
    await pullVerified(world, await pushImage(world, 'target', [layer], 'v1'));
  });
});

describe('crashes and stalls', () => {
  it('a sweep that dies between deleting rows and files leaves orphans the next run frees', async () => {
    world = await createWorld();
    const digest = await uploadBlob(world, 'team/app', bytes(1500, 'crash'));
    world.advance(PAST_GRACE);
    await expect(world.gc({ hooks: { beforeFileDelete: () => Promise.reject(new Error('node died')) } })).rejects.toThrow('node died');
    expect(await world.store.gc.hasBlob(digest)).toBe(false);
    expect(await fileExists(world, digest)).toBe(true);
    expect(await world.gc()).toMatchObject({ orphanFilesDeleted: 1, orphanBytesFreed: 1500 });
    expect(await fileExists(world, digest)).toBe(false);
  });

  it('a digest leased by a dead writer is kept until its lease lapses', async () => {
    world = await createWorld();
    const digest = await uploadBlob(world, 'team/app', bytes(1500, 'dead-writer'));
    world.advance(PAST_GRACE);
    await world.store.gc.acquireLeases([digest], 'link:dead-node', 60_000, world.now());
    expect(await world.gc()).toMatchObject({ blobsDeleted: 0, blobsKept: 1 });
    world.advance(60_001);
    expect((await world.gc()).blobsDeleted).toBe(1);
    await expectConsistent(digest);
  });

  it('a writer gives up with TooManyRequests when the sweep holds its digest too long', async () => {
    world = await createWorld({ guard: { waitMs: 100 } });
    const content = bytes(800, 'held');
    await world.store.gc.acquireLeases([sha256(content)], 'gc:stuck', 60_000, world.now());
    await expect(uploadBlob(world, 'team/app', content)).rejects.toMatchObject({ code: 'TooManyRequests' });
    await world.store.gc.releaseLeases([sha256(content)], 'gc:stuck');
    expect(await uploadBlob(world, 'team/app', content)).toBe(sha256(content));
  });
});

/** A client that trusts a HEAD from long ago: puts the manifest, uploading only the config. */
async function pushImageWithoutUpload(w: World, repository: string, layer: Buffer): Promise<void> {
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  await uploadBlob(w, repository, config);
  const manifest = Buffer.from(JSON.stringify(manifestDocument({ config: descriptorOf(config, OCI_CONFIG), layers: [descriptorOf(layer, OCI_LAYER_TAR)] })));
  await w.registry.manifests.put(key(repository), {
    reference: 'v1',
    content: manifest,
    contentType: OCI_MANIFEST,
    actor: 'test',
  });
}
