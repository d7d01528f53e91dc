import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { MIN_PART } from './layout.js';

/** The largest object CopyObject copies, and the largest range one UploadPartCopy takes. */
export const MAX_COPY = 5 * 1024 ** 3;
export const MAX_PARTS = 10_000;
const PARALLEL_COPIES = 4;

export interface CopySource {
  key: string;
  size: number;
}

/**
 * Makes `destination` the concatenation of `sources`, server-side: CopyObject for one source up to
 * 5 GiB, else a multipart upload whose parts are UploadPartCopy ranges (≤ 5 GiB each). The
 * destination appears only when complete. Every source but the last must be at least MIN_PART
 * (S3's smallest part). More than 10,000 parts are composed in two rounds through objects under
 * `scratch` (a prefix nobody lists), deleted afterwards.
 */
export async function compose(client: S3Client, bucket: string, sources: CopySource[], destination: string, scratch: string): Promise<void> {
  const parts = sources.filter((s) => s.size > 0);
  if (parts.length === 0) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: destination, Body: Buffer.alloc(0), ContentLength: 0 }));
    return;
  }
  if (parts.length === 1 && parts[0]!.size <= MAX_COPY) {
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: destination, CopySource: copySource(bucket, parts[0]!.key) }));
    return;
  }
  const small = parts.slice(0, -1).find((s) => s.size < MIN_PART);
  if (small) throw new Error(`S3 storage: cannot compose ${destination}: ${small.key} (${small.size} bytes) is below the 5 MiB part minimum`);
  const ranges = parts.flatMap(splitRanges);
  if (ranges.length <= MAX_PARTS) {
    await copyParts(client, bucket, ranges, destination);
    return;
  }
  // Each group of sources becomes one intermediate object (≥ 5 MiB each), then those are composed.
  const groups: CopySource[][] = [];
  for (const range of parts) {
    const last = groups.at(-1);
    if (last && last.flatMap(splitRanges).length + splitRanges(range).length <= MAX_PARTS) last.push(range);
    else groups.push([range]);
  }
  const intermediates: CopySource[] = [];
  try {
    for (const [i, group] of groups.entries()) {
      const key = `${scratch}compose-${i}`;
      await copyParts(client, bucket, group.flatMap(splitRanges), key);
      intermediates.push({ key, size: group.reduce((n, s) => n + s.size, 0) });
    }
    await compose(client, bucket, intermediates, destination, `${scratch}compose-again-`);
  } finally {
    for (const { key } of intermediates) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
}

interface CopyRange {
  key: string;
  start: number;
  end: number;
}

/** A source as ≤ 5 GiB ranges of near-equal size (so none falls below 5 MiB). */
function splitRanges(source: CopySource): CopyRange[] {
  const count = Math.ceil(source.size / MAX_COPY);
  const step = Math.ceil(source.size / count);
  const ranges: CopyRange[] = [];
  for (let start = 0; start < source.size; start += step) {
    ranges.push({ key: source.key, start, end: Math.min(source.size, start + step) - 1 });
  }
  return ranges;
}

async function copyParts(client: S3Client, bucket: string, ranges: CopyRange[], destination: string): Promise<void> {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: destination }));
  try {
    const etags: string[] = new Array<string>(ranges.length);
    let next = 0;
    const worker = async () => {
      while (next < ranges.length) {
        const index = next++;
        const range = ranges[index]!;
        const result = await client.send(
          new UploadPartCopyCommand({
            Bucket: bucket,
            Key: destination,
            UploadId,
            PartNumber: index + 1,
            CopySource: copySource(bucket, range.key),
            CopySourceRange: `bytes=${range.start}-${range.end}`,
          }),
        );
        etags[index] = result.CopyPartResult?.ETag ?? '';
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_COPIES, ranges.length) }, worker));
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: destination,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
  } catch (err) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: destination, UploadId })).catch(() => undefined);
    throw err;
  }
}

/** CopySource is "<bucket>/<key>", URL-encoded except for the slashes. */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
