import { forEachLimit } from './pool.js';
import type { RunContext } from './run-context.js';

const CHUNK = 500;

/**
 * Upload sessions idle past `idleBefore` are discarded through the registry (which also drops its
 * in-memory hash state); upload directories without a session row (a crash between the two
 * deletes of a discard) are deleted once past the grace period. A new session writes its directory
 * just before its row, so a fresh directory without a row is left alone.
 */
export async function sweepUploads(
  ctx: RunContext,
  options: { idleBefore?: Date; purgeIdle?: (before: Date) => Promise<number> },
): Promise<void> {
  ctx.checkpoint('uploads');
  if (options.idleBefore) {
    if (ctx.dryRun) {
      ctx.summary.staleUploadsDeleted = (await ctx.store.registry.listUploadsUpdatedBefore(options.idleBefore, 1_000_000)).length;
    } else if (options.purgeIdle) {
      for (let n = await options.purgeIdle(options.idleBefore); n > 0; n = await options.purgeIdle(options.idleBefore)) {
        ctx.summary.staleUploadsDeleted += n;
        ctx.checkpoint('uploads');
      }
    }
  }
  const ids = await ctx.blobs.listUploadIds();
  for (let i = 0; i < ids.length; i += CHUNK) {
    ctx.checkpoint('uploads');
    const chunk = ids.slice(i, i + CHUNK);
    const known = await ctx.store.gc.knownUploads(chunk);
    await forEachLimit(
      chunk.filter((id) => !known.has(id)),
      ctx.concurrency,
      async (id) => {
        const stat = (path: string) => ctx.blobs.driver.stat(path).catch(() => undefined);
        const info = (await stat(`uploads/${id}/data`)) ?? (await stat(`uploads/${id}`));
        if (!info || info.modTime >= ctx.cutoff) return;
        if (!ctx.dryRun) await ctx.blobs.deleteUpload(id);
        ctx.summary.orphanUploadsDeleted++;
      },
    );
  }
}
