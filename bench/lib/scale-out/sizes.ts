const MIB = 1024 * 1024;

export interface Sizes {
  /** The one-client push and pull. */
  blobBytes: number;
  /** How many pushes run at once, and the size of each. */
  concurrent: number;
  concurrentBytes: number;
  /** Rounds over all deployments; the table shows medians. */
  rounds: number;
  /** Length of each manifest GET load (wrk -d). */
  loadSeconds: number;
}

/**
 * Defaults from issue #13 (1 GiB; 16 × 64 MiB; 3 rounds; 10 s of wrk), smaller with --quick; each
 * can be set with BENCH_SCALE_OUT_{BLOB_MIB,CONCURRENT,CONCURRENT_MIB,ROUNDS,LOAD_SECONDS}.
 */
export function scaleOutSizes(quick: boolean): Sizes {
  const env = (name: string, fallback: number) => {
    const raw = process.env[`BENCH_SCALE_OUT_${name}`];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`BENCH_SCALE_OUT_${name} must be a positive integer, not "${raw}"`);
    return value;
  };
  return {
    blobBytes: env('BLOB_MIB', quick ? 64 : 1024) * MIB,
    concurrent: env('CONCURRENT', 16),
    concurrentBytes: env('CONCURRENT_MIB', quick ? 8 : 64) * MIB,
    rounds: env('ROUNDS', quick ? 1 : 3),
    loadSeconds: env('LOAD_SECONDS', quick ? 2 : 10),
  };
}

/** "1 GiB", "64 MiB". */
export function sizeLabel(bytes: number): string {
  return bytes >= 1024 * MIB && bytes % (1024 * MIB) === 0 ? `${bytes / (1024 * MIB)} GiB` : `${(bytes / MIB).toFixed(0)} MiB`;
}
