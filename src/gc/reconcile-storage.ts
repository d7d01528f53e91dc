import { isValidDigest } from '../domain/digest.js';
import { forEachLimit } from './pool.js';
import { type RunContext, leaseMargin } from './run-context.js';
import { noteMissing } from './sweep-blobs.js';

interface Orphan {
  digest: string;
  size: number;
}

/**
 * Reconciles storage with metadata one shard (blobs/<alg>/<xx>/) at a time: files without a row
 * are orphans (a crash between a commit's move and its link, or a sweep that lost its lease before
 * deleting the file) and are deleted once past the grace period; rows without a file are reported.
 * Files are listed, not stat-ed, so only the few without a row cost a stat.
 */
export async function reconcileStorage(ctx: RunContext): Promise<void> {
  for (const shard of await ctx.blobs.listBlobShards()) {
    ctx.checkpoint('storage');
    const files = await ctx.blobs.listShard(shard);
    // Digests are "<alg>:<hex>" and "~" sorts after every hex digit, so this is exactly the shard.
    const rows = await ctx.store.gc.blobDigestsBetween(shard, `${shard}~`);
    const inRows = new Set(rows);
    const inFiles = new Set(files);
    const unknown = files.filter((digest) => !inRows.has(digest));
    const absent = rows.filter((digest) => !inFiles.has(digest));
    if (unknown.some((digest) => !isValidDigest(digest))) {
      ctx.log.warn({ shard }, 'storage holds files that are not blobs; left alone');
    }
    await reportMissing(ctx, absent);
    await deleteOrphans(ctx, unknown.filter(isValidDigest));
  }
}

/** A blob committed after the shard was listed has a row and a file the listing missed: look again. */
async function reportMissing(ctx: RunContext, digests: string[]): Promise<void> {
  await forEachLimit(digests, ctx.concurrency, async (digest) => {
    if (!(await ctx.blobs.stat(digest))) noteMissing(ctx, digest);
  });
}

async function deleteOrphans(ctx: RunContext, digests: string[]): Promise<void> {
  // A commit moves a verified upload into place before it links the row, and the moved file keeps
  // the upload's modification time; the digest lease (below) covers that window, the age check
  // covers writers from before leases existed.
  const aged: Orphan[] = [];
  await forEachLimit(digests, ctx.concurrency, async (digest) => {
    const info = await ctx.blobs.stat(digest);
    if (info && info.modTime < ctx.cutoff) aged.push({ digest, size: info.size });
  });
  if (aged.length === 0) return;
  if (ctx.dryRun) {
    for (const orphan of aged) count(ctx, orphan);
    return;
  }
  await ctx.hooks.beforeOrphanDelete?.(aged.map((o) => o.digest));
  for (let i = 0; i < aged.length; i += ctx.batchSize) {
    await deleteBatch(ctx, aged.slice(i, i + ctx.batchSize));
  }
}

async function deleteBatch(ctx: RunContext, batch: Orphan[]): Promise<void> {
  const { gc } = ctx.store;
  const taken = await gc.acquireLeases(
    batch.map((o) => o.digest),
    ctx.owner,
    ctx.leaseTtlMs,
    ctx.now(),
  );
  try {
    const held = new Set(await gc.renewLeases(taken, ctx.owner, ctx.leaseTtlMs, ctx.now()));
    const deadline = ctx.now().getTime() + leaseMargin(ctx);
    await forEachLimit(
      batch.filter((o) => held.has(o.digest)),
      ctx.concurrency,
      async (orphan) => {
        // Under the lease no writer can be between its move and its link, so "no row" is final.
        if (ctx.now().getTime() > deadline || (await gc.hasBlob(orphan.digest))) return;
        await ctx.blobs.delete(orphan.digest);
        count(ctx, orphan);
      },
    );
  } finally {
    await gc.releaseLeases(taken, ctx.owner);
  }
}

function count(ctx: RunContext, orphan: Orphan): void {
  ctx.summary.orphanFilesDeleted++;
  ctx.summary.orphanBytesFreed += orphan.size;
}
