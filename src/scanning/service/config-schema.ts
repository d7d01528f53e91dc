import { z } from 'zod';

const positive = z.number().int().positive();

/** The `scanning` section of the configuration (src/config/schema.ts). */
export const scanningConfigSchema = z
  .object({
    /** Image scans one node runs at once (each streams one image's layers). */
    concurrency: positive.default(2),
    /**
     * ECR allows one basic scan per image per 24 hours, the scan on push included
     * (StartImageScan answers LimitExceededException within it).
     */
    scanQuotaSeconds: z.number().int().nonnegative().default(24 * 3600),
    /** Bounds on what one image scan may read (src/scanning/layers/limits.ts); defaults fit any ordinary image. */
    limits: z
      .object({
        maxUncompressedBytes: positive.optional(),
        maxCompressionRatio: positive.optional(),
        maxEntries: positive.optional(),
        maxFileReadBytes: positive.optional(),
        maxRetainedBytes: positive.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export type ScanningConfig = z.infer<typeof scanningConfigSchema>;
