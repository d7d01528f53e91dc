/**
 * Bounds on what one image scan may consume. Exceeding one fails the scan with a clear message;
 * none of them is hit by ordinary images.
 */
export interface ScanLimits {
  /** Total bytes of tar stream (after decompression) across all layers. */
  maxUncompressedBytes: number;
  /** Decompressed:compressed ratio above which a layer counts as a decompression bomb… */
  maxCompressionRatio: number;
  /** …once it has produced at least this many bytes (small layers of zeros compress absurdly well). */
  ratioCheckAfterBytes: number;
  /** Tar entries across all layers. */
  maxEntries: number;
  /** Size of one pax extended header or GNU long-name record. */
  maxHeaderBytes: number;
  /** Largest single file read into memory for parsing (package databases, manifests, jars). */
  maxFileReadBytes: number;
  /** Total file content read for parsing over the whole scan. */
  maxRetainedBytes: number;
}

const MiB = 1024 * 1024;

const DEFAULT_SCAN_LIMITS: Readonly<ScanLimits> = Object.freeze({
  maxUncompressedBytes: 16 * 1024 * MiB,
  maxCompressionRatio: 200,
  ratioCheckAfterBytes: 256 * MiB,
  maxEntries: 1_000_000,
  maxHeaderBytes: 1 * MiB,
  maxFileReadBytes: 64 * MiB,
  maxRetainedBytes: 512 * MiB,
});

export function resolveLimits(overrides: Partial<ScanLimits> = {}): ScanLimits {
  return { ...DEFAULT_SCAN_LIMITS, ...overrides };
}

export function formatBytes(n: number): string {
  if (n >= 1024 * MiB) return `${+(n / (1024 * MiB)).toFixed(1)} GiB`;
  if (n >= MiB) return `${+(n / MiB).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
