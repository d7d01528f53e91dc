import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `bytes` of zeros to a scratch file and deletes it, so the next `bytes` of page cache the
 * measured server allocates come from memory the guest has just used.
 *
 * Why: on a VM with free-page reporting (virtio-balloon here), memory that stays free for a couple
 * of seconds is handed back to the host, and touching it again costs a host fault per page. On the
 * machine this was written on, writing 1 GiB into such memory took 2–5 s of system time instead of
 * 0.35 s, which swamped what the servers themselves do and made runs differ by up to 10×. Doing this
 * before every push puts each server, Berth and the baseline alike, on the same footing. The file
 * is deleted before writeback starts, so no disk I/O is left behind to disturb the measurement.
 */
export function warmPageCache(dir: string, bytes: number): void {
  const path = join(dir, 'page-cache-warmup');
  const zeros = Buffer.alloc(8 * 1024 * 1024);
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes; ) written += writeSync(fd, zeros, 0, Math.min(zeros.length, bytes - written));
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
}
