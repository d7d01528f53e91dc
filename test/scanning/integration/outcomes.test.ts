/**
 * Scans that do not end in findings, and what a scan shares: a broken or hostile layer fails the
 * scan with the reason; an image with nothing to match is unsupported; an index is not scanned (its
 * images are); an image pushed to two repositories is scanned in each, its layers read once.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CreateRepositoryCommand, DescribeImageScanFindingsCommand, DescribeImagesCommand, PutRegistryScanningConfigurationCommand, ScanNotFoundException } from '@aws-sdk/client-ecr';
import { tarOf } from '../helpers/layers.js';
import { rawTar } from '../helpers/raw-tar.js';
import { type Berth, rejection, startBerth } from './harness.js';
import { V2, debianImage, debianLayer, expectedFindings, imageOf, indexOf } from './images.js';
import { importDb, settledScan } from './scans.js';

let berth: Berth;
beforeAll(async () => {
  berth = await startBerth();
  await importDb(berth, 'vulndb/debian-bookworm/osv');
  // Everything under basic/ is scanned on push; everything under enhanced/ continuously.
  await berth.ecr.send(
    new PutRegistryScanningConfigurationCommand({
      scanType: 'BASIC',
      rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'basic/*', filterType: 'WILDCARD' }] }],
    }),
  );
  for (const name of ['basic/broken', 'basic/scratch', 'basic/multi', 'basic/one', 'basic/two']) await berth.ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
});
afterAll(() => berth?.close());

describe('scan outcomes', () => {
  it('a truncated layer fails the scan, naming the layer and what was wrong', async () => {
    const gz = await debianLayer('minbase', [{ name: 'usr/share/big', content: Buffer.alloc(300_000, 7) }]);
    const image = imageOf([gz.subarray(0, Math.floor(gz.length * 0.6))]);
    await new V2(berth.url).pushImage('basic/broken', 'truncated', image);
    const scan = await settledScan(berth.ecr, 'basic/broken', { imageTag: 'truncated' });
    expect(scan.imageScanStatus?.status).toBe('FAILED');
    expect(scan.imageScanStatus?.description).toBe(`ScanFailedError: layer ${image.layers[0]!.digest}: gzip stream is truncated (unexpected end of data)`);
    expect(scan.imageScanFindings).toBeUndefined();
    const { imageDetails } = await berth.ecr.send(new DescribeImagesCommand({ repositoryName: 'basic/broken', imageIds: [{ imageTag: 'truncated' }] }));
    expect(imageDetails?.[0]?.imageScanStatus).toEqual(scan.imageScanStatus);
    expect(imageDetails?.[0]?.imageScanFindingsSummary).toBeUndefined();
  });

  it('a layer with a path escaping the root fails the scan', async () => {
    const image = imageOf([gzipSync(rawTar([{ name: '../../etc/passwd', content: 'root:x:0:0' }]))]);
    await new V2(berth.url).pushImage('basic/broken', 'hostile', image);
    const scan = await settledScan(berth.ecr, 'basic/broken', { imageTag: 'hostile' });
    expect(scan.imageScanStatus?.status).toBe('FAILED');
    expect(scan.imageScanStatus?.description).toMatch(new RegExp(`^ScanFailedError: layer ${image.layers[0]!.digest}: .*\\.\\.`));
  });

  it('an image without an operating system or packages is unsupported', async () => {
    const image = imageOf([gzipSync(await tarOf([{ name: 'app/server', content: 'just a static binary' }]))]);
    await new V2(berth.url).pushImage('basic/scratch', 'v1', image);
    const scan = await settledScan(berth.ecr, 'basic/scratch', { imageTag: 'v1' });
    expect(scan.imageScanStatus).toEqual({ status: 'FAILED', description: 'UnsupportedImageError: The operating system and/or package manager are not supported.' });
  });

  it('an index is not scanned; the images it lists are', async () => {
    const v2 = new V2(berth.url);
    const image = await debianImage('minbase');
    await v2.pushImage('basic/multi', image.digest, image);
    const index = indexOf([image]);
    await v2.pushImage('basic/multi', 'latest', { blobs: [], ...index });
    expect((await settledScan(berth.ecr, 'basic/multi', { imageDigest: image.digest })).imageScanStatus?.status).toBe('COMPLETE');
    await berth.app.events.drain();
    expect(await rejection(berth.ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'basic/multi', imageId: { imageTag: 'latest' } })))).toBeInstanceOf(
      ScanNotFoundException,
    );
  });

  it('scans a digest pushed to two repositories in each, reading its layers once', async () => {
    // A digest no earlier test pushed (its own config), so no SBOM of it exists yet.
    const image = imageOf([await debianLayer('minbase')], 'shared-between-repositories');
    const layer = image.layers[0]!.digest;
    const v2 = new V2(berth.url);
    const open = vi.spyOn(berth.app.blobs, 'open');
    try {
      await v2.pushImage('basic/one', 'v1', image);
      const first = await settledScan(berth.ecr, 'basic/one', { imageTag: 'v1' });
      await v2.pushImage('basic/two', 'v1', image);
      const second = await settledScan(berth.ecr, 'basic/two', { imageTag: 'v1' });
      expect(first.imageScanFindings?.findingSeverityCounts).toEqual({ UNDEFINED: expectedFindings.minbase.length });
      expect(second.imageScanFindings?.findingSeverityCounts).toEqual(first.imageScanFindings?.findingSeverityCounts);
      expect(open.mock.calls.filter(([digest]) => digest === layer)).toHaveLength(1);
    } finally {
      open.mockRestore();
    }
    expect(await berth.app.store.scans.getSbom(image.digest)).toBeDefined();
  });
});
