import type { Artifact } from '../artifacts.js';
import { BUILDINFO_MAGIC, goPackages, isBuildInfoHeader, parseBuildInfo } from './go-buildinfo.js';

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const ALIGN = 16;
/** Module info of very large programs is tens of KB; stop collecting well beyond that. */
const MAX_BUILDINFO_BYTES = 4 * 1024 * 1024;

/**
 * Streams an executable looking for Go build info without holding the binary: non-ELF files are
 * abandoned after four bytes; ELF files are searched chunk by chunk in place (plus a small seam
 * across chunk boundaries) for a 16-byte-aligned, valid header, after which just enough bytes are
 * collected to decode it.
 */
export async function scanGoBinary(body: AsyncIterable<Buffer>, path: string, warn: (message: string) => void): Promise<Artifact | undefined> {
  const SEAM = BUILDINFO_MAGIC.length + 16;
  let head = Buffer.alloc(0);
  let offset = 0; // file offset of the current chunk
  let tail = Buffer.alloc(0); // last bytes of the previous chunk
  let collected: Buffer | undefined;
  for await (const chunk of body) {
    if (collected) {
      collected = Buffer.concat([collected, chunk]);
    } else {
      if (offset + chunk.length < 4 || head.length) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 4) {
          offset += chunk.length;
          continue;
        }
      }
      if (offset < 4 && !(head.length ? head : chunk).subarray(0, 4).equals(ELF_MAGIC)) return undefined;
      head = Buffer.alloc(0);
      // A header that starts in the previous chunk's tail…
      const seam = Buffer.concat([tail, chunk.subarray(0, SEAM)]);
      const inSeam = findHeader(seam, offset - tail.length, tail.length);
      if (inSeam >= 0) collected = Buffer.concat([seam.subarray(inSeam), chunk.subarray(SEAM)]);
      else {
        // …or one that lies within this chunk.
        const inChunk = findHeader(chunk, offset, chunk.length);
        if (inChunk >= 0) collected = Buffer.from(chunk.subarray(inChunk));
      }
      // Keep the stream's last SEAM bytes (which may span several small chunks).
      tail = Buffer.from(chunk.length >= SEAM ? chunk.subarray(chunk.length - SEAM) : seam.subarray(Math.max(0, seam.length - SEAM)));
      offset += chunk.length;
      if (!collected) continue;
    }
    const parsed = parseBuildInfo(collected);
    if (parsed.status === 'ok') return { kind: 'packages', packages: goPackages(parsed.info) };
    if (parsed.status === 'unsupported') {
      warn(`Go binary ${path}: ${parsed.reason}; its modules are not inventoried`);
      return undefined;
    }
    if (collected.length > MAX_BUILDINFO_BYTES) {
      warn(`Go binary ${path}: build info larger than ${MAX_BUILDINFO_BYTES} bytes; not inventoried`);
      return undefined;
    }
  }
  if (collected) warn(`Go binary ${path}: build info is cut off by the end of the file`);
  return undefined;
}

/**
 * Index of the first valid, 16-byte-aligned build-info header in `buf` that starts before
 * `startLimit` and can be fully checked within `buf`; -1 if none. `base` is buf[0]'s file offset.
 */
function findHeader(buf: Buffer, base: number, startLimit: number): number {
  let from = 0;
  for (;;) {
    const idx = buf.indexOf(BUILDINFO_MAGIC, from);
    if (idx < 0 || idx >= startLimit) return -1;
    if ((base + idx) % ALIGN === 0 && buf.length - idx >= 16 && isBuildInfoHeader(buf.subarray(idx))) return idx;
    from = idx + 1;
  }
}
