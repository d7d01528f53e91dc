import { z } from 'zod';

const MIB = 1024 * 1024;

/**
 * `storage.s3`: blobs in an S3-compatible bucket (AWS S3, Ceph RGW, MinIO, Swift's s3api, …).
 * Every node of a deployment points at the same bucket and prefix.
 */
export const s3ConfigSchema = z
  .object({
    /** The S3 endpoint, e.g. http://rgw.internal:7480. Default: AWS S3 of `region`. */
    endpoint: z.string().url().optional(),
    region: z.string().min(1).default('us-east-1'),
    bucket: z.string().min(1),
    /** Keys are stored under `<prefix>/`, so several deployments can share a bucket. */
    prefix: z
      .string()
      .regex(/^[^/\\\0](?:[^\\\0]*[^/\\\0])?$/, 'must not start or end with "/"')
      .refine((v) => !v.split('/').some((part) => part === '' || part === '.' || part === '..'), 'must not hold empty, "." or ".." parts')
      .optional(),
    /** Path-style URLs (endpoint/bucket/key), which most non-AWS servers need. */
    forcePathStyle: z.boolean().default(false),
    /** Static credentials; without them the AWS default credential chain (environment, profile, instance role) is used. */
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    /**
     * Blob GETs answer 307 to a presigned URL of the object (valid 10 minutes), so clients download
     * from S3 directly; the endpoint must then be reachable by clients. GetDownloadUrlForLayer hands
     * out presigned URLs too. Off, every byte goes through Berth.
     */
    redirect: z.boolean().default(false),
    /**
     * The multipart part size. Each upload in progress holds up to three parts in memory (two
     * uploading while the next fills): 24 MiB at the default.
     */
    partSizeBytes: z
      .number()
      .int()
      .min(5 * MIB)
      .max(512 * MIB)
      .default(8 * MIB),
  })
  .strict()
  .refine((v) => (v.accessKeyId === undefined) === (v.secretAccessKey === undefined), {
    message: 'accessKeyId and secretAccessKey go together (or neither, for the AWS default credential chain)',
  });

export type S3Config = z.infer<typeof s3ConfigSchema>;
