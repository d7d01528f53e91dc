/**
 * Makes an upload's bytes durable in steps while it is still being written, so the fsync that
 * commits it (BlobStore.commitUpload) finds little left to write.
 *
 * Why: with plenty of RAM the kernel starts writing dirty pages back only past
 * dirty_background_ratio (10% of memory: 2.3 GB on a 24 GB machine), so a 1 GiB push sat entirely
 * in the page cache until its commit, whose fsync then wrote it all while the client waited:
 * ~0.45 s of a ~2.7 s push in `npm run bench`. Flushed in steps, that writing overlaps with
 * receiving the rest. Durability is unchanged (the commit still flushes everything).
 */
export class EarlyWriteback {
  private flushedAt = 0;
  private running?: Promise<void>;

  constructor(
    /** Makes the bytes written so far durable (the driver's commit of a writer on the same path). */
    private readonly flush: () => Promise<void>,
    private readonly stepBytes: number,
  ) {}

  /** Reports the bytes written so far; starts a flush once a step's worth is new, one at a time. */
  written(total: number): void {
    if (this.running || total - this.flushedAt < this.stepBytes) return;
    this.flushedAt = total;
    this.running = this.flush()
      // Only a head start: a failure here shows up again (and counts) in the commit's own flush.
      .catch(() => undefined)
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Waits for a flush in progress (so nothing touches the upload once its writer is closed). */
  async settle(): Promise<void> {
    await this.running;
  }
}
