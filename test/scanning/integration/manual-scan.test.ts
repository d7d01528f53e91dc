/**
 * StartImageScan with ECR's rules: a repository without scan on push has no scan until one is
 * started; one scan per image per 24 hours (the scan on push counts); indexes cannot be scanned;
 * missing images and manual scans under enhanced scanning are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  ImageNotFoundException,
  LimitExceededException,
  PutRegistryScanningConfigurationCommand,
  ScanNotFoundException,
  StartImageScanCommand,
  UnsupportedImageTypeException,
  ValidationException,
} from '@aws-sdk/client-ecr';
import { type Berth, rejection, startBerth } from './harness.js';
import { V2, debianImage, expectedFindings, indexOf } from './images.js';
import { importDb, settledScan } from './scans.js';

const DAY = 24 * 3600 * 1000;

let berth: Berth;
beforeAll(async () => {
  berth = await startBerth();
  await importDb(berth, 'vulndb/debian-bookworm/osv');
});
afterAll(() => berth?.close());

async function repositoryWith(name: string, scanOnPush: boolean) {
  await berth.ecr.send(new CreateRepositoryCommand({ repositoryName: name, imageScanningConfiguration: { scanOnPush } }));
  const image = await debianImage('minbase');
  await new V2(berth.url).pushImage(name, 'v1', image);
  return image;
}

describe('StartImageScan', () => {
  it('scans an image on request, once per 24 hours', async () => {
    const image = await repositoryWith('manual/a', false);
    const never = await rejection(berth.ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'manual/a', imageId: { imageTag: 'v1' } })));
    expect(never).toBeInstanceOf(ScanNotFoundException);
    expect(never.message).toBe(
      `Image scan does not exist for the image with '{imageDigest:'null', imageTag:'v1'}' in the repository with name 'manual/a' in the registry with id '111122223333'`,
    );

    const started = await berth.ecr.send(new StartImageScanCommand({ repositoryName: 'manual/a', imageId: { imageTag: 'v1' } }));
    expect(started).toMatchObject({ registryId: '111122223333', repositoryName: 'manual/a', imageId: { imageDigest: image.digest, imageTag: 'v1' }, imageScanStatus: { status: 'IN_PROGRESS' } });
    const done = await settledScan(berth.ecr, 'manual/a', { imageDigest: image.digest });
    expect(done.imageScanStatus?.status).toBe('COMPLETE');
    expect(done.imageScanFindings?.findingSeverityCounts).toEqual({ UNDEFINED: expectedFindings.minbase.length });

    const again = await rejection(berth.ecr.send(new StartImageScanCommand({ repositoryName: 'manual/a', imageId: { imageDigest: image.digest } })));
    expect(again).toBeInstanceOf(LimitExceededException);
    expect(again.message).toBe('The scan quota per image has been exceeded. Wait and try again.');

    berth.advance(DAY - 60_000);
    expect(await rejection(berth.ecr.send(new StartImageScanCommand({ repositoryName: 'manual/a', imageId: { imageTag: 'v1' } })))).toBeInstanceOf(LimitExceededException);
    berth.advance(60_000);
    const next = await berth.ecr.send(new StartImageScanCommand({ repositoryName: 'manual/a', imageId: { imageTag: 'v1' } }));
    expect(next.imageScanStatus?.status).toBe('IN_PROGRESS');
    expect((await settledScan(berth.ecr, 'manual/a', { imageTag: 'v1' })).imageScanStatus?.status).toBe('COMPLETE');
  });

  it('counts the scan on push against the quota', async () => {
    await repositoryWith('manual/pushed', true);
    await settledScan(berth.ecr, 'manual/pushed', { imageTag: 'v1' });
    expect(await rejection(berth.ecr.send(new StartImageScanCommand({ repositoryName: 'manual/pushed', imageId: { imageTag: 'v1' } })))).toBeInstanceOf(
      LimitExceededException,
    );
  });

  it('refuses indexes, missing images, and manual scans under enhanced scanning', async () => {
    const image = await repositoryWith('manual/index', false);
    const index = indexOf([image]);
    await new V2(berth.url).pushImage('manual/index', 'multi', { blobs: [], ...index });
    const unsupported = await rejection(berth.ecr.send(new StartImageScanCommand({ repositoryName: 'manual/index', imageId: { imageTag: 'multi' } })));
    expect(unsupported).toBeInstanceOf(UnsupportedImageTypeException);
    expect(unsupported.message).toBe(
      "An artifact with media type 'application/vnd.oci.image.index.v1+json' cannot be scanned. For more information, see the Amazon ECR documentation.",
    );
    const missing = await rejection(berth.ecr.send(new StartImageScanCommand({ repositoryName: 'manual/index', imageId: { imageTag: 'nope' } })));
    expect(missing).toBeInstanceOf(ImageNotFoundException);

    const other = await startBerth();
    try {
      await other.ecr.send(new CreateRepositoryCommand({ repositoryName: 'enhanced/a' }));
      await new V2(other.url).pushImage('enhanced/a', 'v1', image);
      await other.ecr.send(new PutRegistryScanningConfigurationCommand({ scanType: 'ENHANCED', rules: [] }));
      const disabled = await rejection(other.ecr.send(new StartImageScanCommand({ repositoryName: 'enhanced/a', imageId: { imageTag: 'v1' } })));
      expect(disabled).toBeInstanceOf(ValidationException);
      expect(disabled.message).toBe('This feature is disabled');
    } finally {
      await other.close();
    }
  });
});
