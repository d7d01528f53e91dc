import type { GcBlob } from '../metadata/gc-store.js';
import { forEachLimit } from './pool.js';
import { leaseMargin, type RunContext } from './run-context.js';

/**
 * Mark and sweep over blob rows. The mark is the store's anti-join (blobs no manifest lists),
 * read in key-bounded pages so memory stays flat over millions of rows and no read transaction is
 * held across awaits. Each page's candidates are then swept in batches: lease the digests, delete
 * the rows that are still garbage inside one write transaction, delete their files, release.
 */
export async function sweepBlobs(ctx: RunContext): Promise<void> {
  let after: string | undefined;
  // Candidates gather across pages until a batch is full: with little garbage a page holds few,
  // and every batch costs a handful of write transactions however small it is.
  let pending: GcBlob[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    if (ctx.dryRun) await countBatch(ctx, batch);
    else await sweepBatch(ctx, batch);
    ctx.checkpoint('blobs');
  };
  for (;;) {
    ctx.checkpoint('blobs');
    const page = await ctx.store.gc.scanUnreferenced({ after, limit: ctx.pageSize, usedBefore: ctx.cutoff });
    ctx.summary.blobsScanned += page.scanned;
    if (page.candidates.length > 0) await ctx.hooks.afterScan?.(page.candidates.map((c) => c.digest));
    for (const candidate of page.candidates) {
      pending.push(candidate);
      if (pending.length >= ctx.batchSize) await flush();
    }
    if (page.next === undefined) break;
    after = page.next;
  }
  if (pending.length > 0) await flush();
}

/** A dry run measures exactly what a real run would delete when nothing else happens meanwhile. */
async function countBatch(ctx: RunContext, batch: GcBlob[]): Promise<void> {
  await forEachLimit(batch, ctx.concurrency, async (blob) => {
    await freeFile(ctx, blob, false);
  });
}

async function sweepBatch(ctx: RunContext, batch: GcBlob[]): Promise<void> {
  const { gc } = ctx.store;
  const digests = batch.map((b) => b.digest);
  // Digests a writer holds right now are being linked: they are no longer garbage.
  const leasedAt = ctx.now().getTime();
  const taken = await gc.acquireLeases(digests, ctx.owner, ctx.leaseTtlMs, ctx.now());
  try {
    const deleted = await gc.deleteUnreferenced(taken, {
      owner: ctx.owner,
      usedBefore: ctx.cutoff,
      leaseValidUntil: new Date(ctx.now().getTime() + leaseMargin(ctx)),
    });
    ctx.summary.blobsKept += batch.length - deleted.length;
    if (deleted.length === 0) return;
    await ctx.hooks.beforeFileDelete?.(deleted.map((b) => b.digest));
    // Fence the irreversible step: a file whose lease was lost stays, as an orphan the storage
    // pass removes once it is past the grace period and still has no row. Nobody can have taken
    // a lease over before it expires, so while far from expiry the check needs no round trip.
    let validFrom = leasedAt;
    let held = new Set(deleted.map((b) => b.digest));
    if (ctx.now().getTime() >= leasedAt + leaseMargin(ctx)) {
      validFrom = ctx.now().getTime();
      held = new Set(await gc.renewLeases([...held], ctx.owner, ctx.leaseTtlMs, ctx.now()));
    }
    // A delete that would start after the lease could have lapsed waits for the next run instead.
    const deadline = validFrom + ctx.leaseTtlMs - leaseMargin(ctx) / 2;
    await forEachLimit(deleted, ctx.concurrency, async (blob) => {
      if (held.has(blob.digest) && ctx.now().getTime() < deadline) await freeFile(ctx, blob, true);
      else ctx.summary.blobsDeleted++;
    });
  } finally {
    await gc.releaseLeases(taken, ctx.owner);
  }
}

async function freeFile(ctx: RunContext, blob: GcBlob, remove: boolean): Promise<void> {
  const info = await ctx.blobs.stat(blob.digest);
  ctx.summary.blobsDeleted++;
  if (!info) {
    noteMissing(ctx, blob.digest);
    return;
  }
  if (remove) await ctx.blobs.delete(blob.digest);
  ctx.summary.blobBytesFreed += info.size;
}

export function noteMissing(ctx: RunContext, digest: string): void {
  ctx.summary.missingFiles++;
  if (ctx.summary.missingExamples.length < 10) ctx.summary.missingExamples.push(digest);
}
