import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
  type _Object,
} from '@aws-sdk/client-s3';
import { isNoSuchUpload } from './client.js';

export interface ListedPage {
  objects: _Object[];
  /** Common prefixes (with a delimiter), each ending in the delimiter. */
  prefixes: string[];
}

/** ListObjectsV2 page by page (1000 keys at most each), following continuation tokens. */
export async function* listPages(
  client: S3Client,
  bucket: string,
  prefix: string,
  options: { delimiter?: string; maxKeys?: number } = {},
): AsyncIterable<ListedPage> {
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        Delimiter: options.delimiter,
        MaxKeys: options.maxKeys,
        ContinuationToken: token,
      }),
    );
    yield {
      objects: page.Contents ?? [],
      prefixes: (page.CommonPrefixes ?? []).map((p) => p.Prefix ?? '').filter((p) => p !== ''),
    };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Every object under a prefix, in key order, listed in pages. */
export async function* listObjects(client: S3Client, bucket: string, prefix: string): AsyncIterable<_Object> {
  for await (const page of listPages(client, bucket, prefix)) yield* page.objects;
}

/** Deletes keys with DeleteObjects, 1000 a request; absent keys are not an error. */
export async function deleteKeys(client: S3Client, bucket: string, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    const result = await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
    );
    const failed = (result.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
    if (failed.length > 0) {
      throw new Error(`S3 storage: could not delete ${failed.length} object(s), first ${failed[0]!.Key}: ${failed[0]!.Code} ${failed[0]!.Message ?? ''}`);
    }
  }
}

/** Deletes every object under a prefix, a listing page (≤ 1000 keys) at a time. */
export async function deleteUnder(client: S3Client, bucket: string, prefix: string): Promise<void> {
  for await (const page of listPages(client, bucket, prefix)) {
    await deleteKeys(
      client,
      bucket,
      page.objects.map((o) => o.Key!),
    );
  }
}

/**
 * Aborts the multipart uploads in progress whose key `matches`, among those under `prefix`: the
 * parts of a writer that died (or that a newer writer supersedes) would otherwise stay stored,
 * invisible, for good.
 */
export async function abortUploads(client: S3Client, bucket: string, prefix: string, matches: (key: string) => boolean): Promise<void> {
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
    );
    for (const upload of page.Uploads ?? []) {
      if (!upload.Key || !upload.UploadId || !matches(upload.Key)) continue;
      await client
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }))
        .catch((err: unknown) => {
          // Completed or aborted meanwhile.
          if (!isNoSuchUpload(err)) throw err;
        });
    }
    if (!page.IsTruncated) return;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
    if (!keyMarker && !uploadIdMarker) return;
  }
}
