/**
 * The archive storage class end to end: UpdateImageStorageClass, listings by image status, pulls
 * refused while ARCHIVED or ACTIVATING (over /v2 and BatchGetImage), the asynchronous restore as a
 * durable job, restore by re-push, garbage collection keeping archived bytes, and audit records.
 */
import { describe, expect, it } from 'vitest';
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  ImageNotFoundException,
  ImageStorageClassUpdateNotSupportedException,
  ListImagesCommand,
  UpdateImageStorageClassCommand,
} from '@aws-sdk/client-ecr';
import { OCI_INDEX } from '../../support/media-types.js';
import { eventually } from '../../support/eventually.js';
import { image, indexDocument, manifestDescriptor } from '../../support/oci.js';
import { ACCOUNT, NOW, auditRecords, daysBefore, rejection, uniqueName, useLifecycleBerth } from './harness.js';

const berth = useLifecycleBerth({ lifecycle: { restoreDelaySeconds: 1 } });

/** A restore completes restoreDelaySeconds after it was asked for, by the app's clock: move it there. */
const restoreDelayPasses = () => berth().clock.advance(1000);

async function repositoryWith(tagged: string) {
  const repositoryName = uniqueName('arch');
  await berth().ecr.send(new CreateRepositoryCommand({ repositoryName }));
  const kept = image();
  const img = image();
  await berth().v2.pushImage(repositoryName, tagged, img);
  await berth().v2.pushImage(repositoryName, 'kept', kept);
  return { repositoryName, img, kept };
}

const setClass = (repositoryName: string, imageId: { imageDigest?: string; imageTag?: string }, targetStorageClass: 'ARCHIVE' | 'STANDARD') =>
  berth().ecr.send(new UpdateImageStorageClassCommand({ repositoryName, imageId, targetStorageClass }));

const describe1 = async (repositoryName: string, imageDigest: string) =>
  (await berth().ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageDigest }] }))).imageDetails![0]!;

const listed = async (repositoryName: string, imageStatus?: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING' | 'ANY') =>
  (await berth().ecr.send(new DescribeImagesCommand({ repositoryName, ...(imageStatus && { filter: { imageStatus } }) }))).imageDetails!.map((d) => d.imageDigest);

describe('archiving an image', () => {
  it('keeps it listed with its status and times, but refuses pulls over /v2 and BatchGetImage', async () => {
    const { repositoryName, img, kept } = await repositoryWith('v1');
    berth().clock.set(daysBefore(1));
    const out = await setClass(repositoryName, { imageTag: 'v1' }, 'ARCHIVE');
    berth().clock.set(NOW);
    expect(out).toMatchObject({ registryId: ACCOUNT, repositoryName, imageId: { imageDigest: img.digest, imageTag: 'v1' }, imageStatus: 'ARCHIVED' });

    // Listings: ACTIVE by default (as the ECR model says), ARCHIVED and ANY on request.
    expect(await listed(repositoryName)).toEqual([kept.digest]);
    expect(await listed(repositoryName, 'ARCHIVED')).toEqual([img.digest]);
    expect((await listed(repositoryName, 'ANY'))!.sort()).toEqual([img.digest, kept.digest].sort());
    const ids = await berth().ecr.send(new ListImagesCommand({ repositoryName, filter: { imageStatus: 'ARCHIVED' } }));
    expect(ids.imageIds).toEqual([{ imageDigest: img.digest, imageTag: 'v1' }]);
    expect((await berth().ecr.send(new ListImagesCommand({ repositoryName }))).imageIds).toEqual([{ imageDigest: kept.digest, imageTag: 'kept' }]);
    const detail = await describe1(repositoryName, img.digest);
    expect(detail).toMatchObject({ imageStatus: 'ARCHIVED', imageTags: ['v1'], lastArchivedAt: daysBefore(1) });
    expect(detail.lastActivatedAt).toBeUndefined();

    // /v2: 404 MANIFEST_UNKNOWN by tag and digest, GET and HEAD, with a message that says why.
    for (const reference of ['v1', img.digest]) {
      const response = await berth().v2.getManifest(repositoryName, reference);
      expect(response.status).toBe(404);
      const body = (await response.json()) as { errors: { code: string; message: string }[] };
      expect(body.errors[0]!.code).toBe('MANIFEST_UNKNOWN');
      expect(body.errors[0]!.message).toContain('is archived');
      const head = await fetch(`${berth().url}/v2/${repositoryName}/manifests/${reference}`, { method: 'HEAD' });
      expect(head.status).toBe(404);
    }
    // Layers stay readable: blobs may be shared, and their bytes never moved.
    expect((await berth().v2.getBlob(repositoryName, img.layers[0]!.digest)).status).toBe(200);

    const batch = await berth().ecr.send(new BatchGetImageCommand({ repositoryName, imageIds: [{ imageTag: 'v1' }, { imageTag: 'kept' }] }));
    expect(batch.images!.map((i) => i.imageId!.imageDigest)).toEqual([kept.digest]);
    expect(batch.failures).toEqual([{ imageId: { imageTag: 'v1' }, failureCode: 'ImageNotFound', failureReason: expect.stringContaining('archived') }]);
  });

  it('restores asynchronously: ACTIVATING (still not pullable), then ACTIVE and pullable byte for byte', async () => {
    const { repositoryName, img } = await repositoryWith('v1');
    await setClass(repositoryName, { imageDigest: img.digest }, 'ARCHIVE');
    berth().clock.set(daysBefore(-1));
    const restoring = await setClass(repositoryName, { imageDigest: img.digest }, 'STANDARD');
    expect(restoring.imageStatus).toBe('ACTIVATING');
    expect(await listed(repositoryName, 'ACTIVATING')).toEqual([img.digest]);
    // Asking again while the restore runs is harmless.
    expect((await setClass(repositoryName, { imageTag: 'v1' }, 'STANDARD')).imageStatus).toBe('ACTIVATING');
    const refused = await berth().v2.getManifest(repositoryName, 'v1');
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { errors: { message: string }[] }).errors[0]!.message).toContain('being restored');
    // Archiving while a restore is under way is not supported.
    expect(await rejection(setClass(repositoryName, { imageDigest: img.digest }, 'ARCHIVE'))).toBeInstanceOf(ImageStorageClassUpdateNotSupportedException);

    restoreDelayPasses();
    const restored = await eventually(async () => {
      const detail = await describe1(repositoryName, img.digest);
      return detail.imageStatus === 'ACTIVE' ? detail : undefined;
    }, 'the restore');
    berth().clock.set(NOW);
    expect(restored.lastActivatedAt).toEqual(new Date(daysBefore(-1).getTime() + 1000));
    expect(restored.lastArchivedAt).toBeDefined();
    const pulled = await berth().v2.getManifest(repositoryName, 'v1');
    expect(pulled.status).toBe(200);
    expect(await pulled.text()).toBe(img.manifest);
    const batch = await berth().ecr.send(new BatchGetImageCommand({ repositoryName, imageIds: [{ imageDigest: img.digest }] }));
    expect(batch.images![0]!.imageManifest).toBe(img.manifest);
    // Restoring an ACTIVE image, and archiving an ARCHIVED one, answer the current status.
    expect((await setClass(repositoryName, { imageTag: 'v1' }, 'STANDARD')).imageStatus).toBe('ACTIVE');
  });

  it('is restored at once by a push of the same image', async () => {
    const { repositoryName, img } = await repositoryWith('v1');
    await setClass(repositoryName, { imageTag: 'v1' }, 'ARCHIVE');
    expect((await setClass(repositoryName, { imageTag: 'v1' }, 'ARCHIVE')).imageStatus).toBe('ARCHIVED');
    expect((await berth().v2.putManifest(repositoryName, 'v1', img.manifest, img.mediaType)).status).toBe(201);
    expect((await describe1(repositoryName, img.digest)).imageStatus).toBe('ACTIVE');
    expect((await berth().v2.getManifest(repositoryName, 'v1')).status).toBe(200);
  });

  it('answers ImageNotFoundException for unknown images and refuses to archive a child of an active index', async () => {
    const { repositoryName, img } = await repositoryWith('v1');
    const missing = await rejection(setClass(repositoryName, { imageTag: 'nope' }, 'ARCHIVE'));
    expect(missing).toBeInstanceOf(ImageNotFoundException);
    expect(missing.message).toBe(
      `The image with imageId {imageDigest:'null', imageTag:'nope'} does not exist within the repository with name '${repositoryName}' in the registry with id '${ACCOUNT}'`,
    );
    expect(await rejection(setClass(repositoryName, { imageDigest: image().digest }, 'STANDARD'))).toBeInstanceOf(ImageNotFoundException);
    expect(await rejection(setClass(repositoryName, { imageTag: 'v1', imageDigest: image().digest }, 'ARCHIVE'))).toBeInstanceOf(ImageNotFoundException);

    const index = JSON.stringify(indexDocument({ manifests: [manifestDescriptor(img)] }));
    expect((await berth().v2.putManifest(repositoryName, 'multi', index, OCI_INDEX)).status).toBe(201);
    const refused = await rejection(setClass(repositoryName, { imageTag: 'v1' }, 'ARCHIVE'));
    expect(refused).toBeInstanceOf(ImageStorageClassUpdateNotSupportedException);
    expect(refused.message).toContain('archive the index first');
    await setClass(repositoryName, { imageTag: 'multi' }, 'ARCHIVE');
    expect((await setClass(repositoryName, { imageTag: 'v1' }, 'ARCHIVE')).imageStatus).toBe('ARCHIVED');
  });

  it('never loses bytes: garbage collection keeps an archived image\'s blobs and frees a deleted one\'s', async () => {
    const { repositoryName, img, kept } = await repositoryWith('v1');
    await setClass(repositoryName, { imageTag: 'v1' }, 'ARCHIVE');
    await berth().ecr.send(new BatchDeleteImageCommand({ repositoryName, imageIds: [{ imageTag: 'kept' }] }));
    const summary = await berth().app.gc.run({ graceMs: 0 });
    expect(summary.blobsDeleted).toBeGreaterThanOrEqual(2); // kept's config and layer
    expect((await berth().v2.getBlob(repositoryName, kept.layers[0]!.digest)).status).toBe(404);
    for (const b of img.blobs) expect((await berth().v2.getBlob(repositoryName, b.digest)).status).toBe(200);
    await setClass(repositoryName, { imageTag: 'v1' }, 'STANDARD');
    restoreDelayPasses();
    await eventually(async () => ((await describe1(repositoryName, img.digest)).imageStatus === 'ACTIVE' ? true : undefined), 'the restore');
    berth().clock.set(NOW);
    expect(await (await berth().v2.getManifest(repositoryName, 'v1')).text()).toBe(img.manifest);
  });

  it('writes audit records naming who archived and restored what', async () => {
    const { repositoryName, img } = await repositoryWith('v1');
    await setClass(repositoryName, { imageTag: 'v1' }, 'ARCHIVE');
    await setClass(repositoryName, { imageTag: 'v1' }, 'STANDARD');
    restoreDelayPasses();
    const records = await auditRecords(berth().app, repositoryName, ['image.archived', 'image.restore.started', 'image.restored'], 3);
    expect(records.every((r) => r.detail?.digest === img.digest && r.outcome === 'succeeded')).toBe(true);
    const byEvent = new Map(records.map((r) => [r.detail?.event, r]));
    expect(byEvent.get('image.archived')).toMatchObject({ action: 'ecr:UpdateImageStorageClass', accountId: ACCOUNT, actor: expect.stringContaining(`arn:aws:iam::${ACCOUNT}:root`) });
    expect(byEvent.get('image.restore.started')).toMatchObject({ action: 'ecr:UpdateImageStorageClass' });
    expect(byEvent.get('image.restored')).toMatchObject({ actor: 'berth:lifecycle', action: 'ecr:UpdateImageStorageClass' });
  });
});
