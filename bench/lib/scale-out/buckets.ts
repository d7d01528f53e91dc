import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  AbortMultipartUploadCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3Endpoint } from './engines.js';

function client(s3: S3Endpoint): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // A full Ceph cluster blocks requests instead of failing them: give up rather than hang the run.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
  });
}

/** A fresh bucket, unique to this run (the S3 server may be shared with other users). */
export async function createBucket(s3: S3Endpoint, name: string): Promise<void> {
  const c = client(s3);
  try {
    await c.send(new CreateBucketCommand({ Bucket: name }));
  } finally {
    c.destroy();
  }
}

/**
 * Deletes every object and unfinished multipart upload, then the bucket: the suite pushes GiBs and a
 * memstore OSD keeps objects in RAM, so each deployment's data goes as soon as it was measured.
 */
export async function deleteBucket(s3: S3Endpoint, name: string): Promise<void> {
  const c = client(s3);
  try {
    for (;;) {
      const page = await c.send(new ListObjectsV2Command({ Bucket: name, MaxKeys: 1000 }));
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length === 0) break;
      await c.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: keys, Quiet: true } }));
    }
    const uploads = await c.send(new ListMultipartUploadsCommand({ Bucket: name }));
    for (const u of uploads.Uploads ?? []) {
      await c.send(new AbortMultipartUploadCommand({ Bucket: name, Key: u.Key!, UploadId: u.UploadId! }));
    }
    await c.send(new DeleteBucketCommand({ Bucket: name }));
  } finally {
    c.destroy();
  }
}
