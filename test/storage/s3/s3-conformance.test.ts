import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { withS3 } from '../../engines/engines.js';
import { describeDriverConformance } from '../driver-conformance.js';
import { createBucket, deleteBucket, emptyPrefix, s3Client, s3Driver } from './helpers.js';

const MiB = 1024 * 1024;

withS3((s3) => {
  let bucket: string;
  beforeAll(async () => {
    bucket = await createBucket(s3, 'conformance');
  });
  afterAll(() => deleteBucket(s3, bucket));

  // The smallest part S3 allows, so that the suite's appends of a few MiB cross part boundaries.
  describeDriverConformance('s3 (Ceph RGW)', async () => {
    const prefix = `run/${randomUUID()}`;
    const open = () => s3Driver(s3, { bucket, prefix, redirect: true, partSizeBytes: 5 * MiB });
    return { driver: open(), another: open, cleanup: () => emptyPrefix(s3Client(s3), bucket, `${prefix}/`) };
  });
});
