import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from './config-schema.js';

/**
 * The S3 client the driver uses. What real S3-compatible servers need:
 * - checksums only when an operation requires them: the SDK's default (a CRC32 trailer, which
 *   turns a PUT body into aws-chunked encoding) makes Ceph RGW answer 411 MissingContentLength
 *   and Swift's s3api 501;
 * - keep-alive connections, and more of them than the SDK's default 50: every upload in flight
 *   holds one for its part, every blob download one for as long as the client reads.
 */
export function createS3Client(config: S3Config): S3Client {
  const agent = { keepAlive: true, maxSockets: 512 };
  return new S3Client({
    region: config.region,
    ...(config.endpoint && { endpoint: config.endpoint }),
    forcePathStyle: config.forcePathStyle,
    ...(config.accessKeyId &&
      config.secretAccessKey && { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A connection that moves no bytes for 5 minutes fails its request (and is retried) instead of
    // hanging for good: a server that stopped answering, or a full cluster that stopped writing.
    // Longer than Berth's own client idle timeout, so a slow client's download is cut there first.
    requestHandler: { httpAgent: agent, httpsAgent: agent, connectionTimeout: 10_000, socketTimeout: 300_000 },
  });
}

interface S3Failure {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

export function statusOf(err: unknown): number | undefined {
  return (err as S3Failure | undefined)?.$metadata?.httpStatusCode;
}

/** NoSuchKey (GET), NotFound (HEAD), or any 404 for an object. */
export function isNotFound(err: unknown): boolean {
  const name = (err as S3Failure | undefined)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(err) === 404;
}

export function isNoSuchUpload(err: unknown): boolean {
  return (err as S3Failure | undefined)?.name === 'NoSuchUpload' || statusOf(err) === 404;
}

export function isInvalidRange(err: unknown): boolean {
  return (err as S3Failure | undefined)?.name === 'InvalidRange' || statusOf(err) === 416;
}

/**
 * Checks at start that the bucket is there and these credentials may use it, and says which
 * bucket at which endpoint when not, instead of failing on the first push.
 */
export async function checkBucket(client: S3Client, config: { bucket: string; endpoint?: string; region?: string }): Promise<void> {
  const where = `bucket "${config.bucket}" at ${config.endpoint ?? `AWS S3 (${config.region ?? 'default region'})`}`;
  try {
    await client.send(new HeadBucketCommand({ Bucket: config.bucket }));
  } catch (err) {
    const status = statusOf(err);
    const name = (err as S3Failure).name ?? '';
    let reason: string;
    if (status === 404) reason = 'the bucket does not exist (create it first)';
    else if (status === 403 || status === 401) reason = 'access denied: check storage.s3.accessKeyId/secretAccessKey or the AWS credentials in use';
    else if (status === 301 || status === 400) reason = `the server refused the request (${name || status}): check storage.s3.region and forcePathStyle`;
    else if (name === 'CredentialsProviderError') reason = 'no credentials: set storage.s3.accessKeyId and secretAccessKey, or provide AWS credentials (environment, profile, instance role)';
    else reason = (err as Error).message || name || `HTTP ${status}`;
    throw new Error(`S3 storage: cannot use ${where}: ${reason}`, { cause: err });
  }
}
