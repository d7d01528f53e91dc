import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

export interface TestBlob {
  path: string;
  size: number;
  /** sha256:<hex>, computed once while the file is written. */
  digest: string;
}

/**
 * Writes `size` random bytes (random so nothing along the way can compress or deduplicate them)
 * and digests them in the same pass. The file then sits in the page cache, so reading it costs the
 * client almost nothing during the push.
 */
export function writeRandomFile(path: string, size: number): TestBlob {
  const chunk = Buffer.allocUnsafe(8 * 1024 * 1024);
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < size; ) {
      const part = chunk.subarray(0, Math.min(chunk.length, size - written));
      randomFillSync(part);
      hash.update(part);
      for (let off = 0; off < part.length; ) off += writeSync(fd, part, off);
      written += part.length;
    }
  } finally {
    closeSync(fd);
  }
  return { path, size, digest: `sha256:${hash.digest('hex')}` };
}
