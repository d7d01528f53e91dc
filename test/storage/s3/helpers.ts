/** Buckets and drivers on the S3 server the engines project provides (test/engines/engines.ts). */
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../../src/storage/s3/client.js';
import { type S3Config, s3ConfigSchema } from '../../../src/storage/s3/config-schema.js';
import { S3Driver, type S3DriverOptions } from '../../../src/storage/s3/driver.js';
import { abortUploads, deleteUnder } from '../../../src/storage/s3/listing.js';
import type { S3Coordinates } from '../../engines/engines.js';

/** storage.s3 for the test server (path-style, as RGW on an IP address needs). */
export function s3Config(s3: S3Coordinates, settings: Partial<S3Config> & { bucket: string }): S3Config {
  return s3ConfigSchema.parse({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    ...settings,
  });
}

export function s3Client(s3: S3Coordinates): S3Client {
  return createS3Client(s3Config(s3, { bucket: 'unused' }));
}

/** A driver as a node would open it, with test knobs (smaller parts, segments) where given. */
export function s3Driver(s3: S3Coordinates, config: Partial<S3Config> & { bucket: string }, knobs: Partial<S3DriverOptions> = {}): S3Driver {
  const parsed = s3Config(s3, config);
  return new S3Driver({
    client: createS3Client(parsed),
    bucket: parsed.bucket,
    prefix: parsed.prefix,
    redirect: parsed.redirect,
    partSize: parsed.partSizeBytes,
    endpoint: parsed.endpoint,
    ...knobs,
  });
}

/** A new, empty bucket with a unique name. */
export async function createBucket(s3: S3Coordinates, label: string): Promise<string> {
  const bucket = `berth-${label}-${randomUUID().slice(0, 8)}`;
  await s3Client(s3).send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Removes everything under `prefix` (objects and multipart uploads in progress). */
export async function emptyPrefix(client: S3Client, bucket: string, prefix: string): Promise<void> {
  await deleteUnder(client, bucket, prefix);
  await abortUploads(client, bucket, prefix, () => true);
}

export async function deleteBucket(s3: S3Coordinates, bucket: string): Promise<void> {
  const client = s3Client(s3);
  await emptyPrefix(client, bucket, '');
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}
