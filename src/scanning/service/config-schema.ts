import { z } from 'zod';
import { DEFAULT_FEEDS } from '../vulndb/default-feeds.js';

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
    /**
     * Where `berth vulndb update` (and, when `updateIntervalSeconds` is set, `berth serve`) gets
     * vulnerability data: each feed is downloaded (ETag / If-Modified-Since) and imported under its
     * name. The defaults are the public feeds the scanner matches against.
     */
    feeds: z
      .object({
        sources: z.array(z.object({ name: z.string().min(1), url: z.string().url() }).strict()).default(() => DEFAULT_FEEDS.map((f) => ({ ...f }))),
        /** Update the feeds from `berth serve` every this many seconds (e.g. 86400); 0, the default, never (machines may be offline). */
        updateIntervalSeconds: z.number().int().nonnegative().default(0),
      })
      .strict()
      .default({}),
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
