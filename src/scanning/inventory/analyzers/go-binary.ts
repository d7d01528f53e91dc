import type { Artifact } from '../artifacts.js';
import { BUILDINFO_MAGIC, goPackages, isBuildInfoHeader, parseBuildInfo } from './go-buildinfo.js';

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const ALIGN = 16;
/** Module info of very large programs is tens of KB; stop collecting well beyond that. */
const MAX_BUILDINFO_BYTES = 4 * 1024 * 1024;

/**
 * Streams an executable looking for Go build info without holding the binary: non-ELF files are
 * abandoned after four bytes, ELF files are searched chunk by chunk (keeping only a small tail)
 * until a 16-byte-aligned, valid header is found, then just enough bytes are collected to decode it.
 */
export async function scanGoBinary(body: AsyncIterable<Buffer>, path: string, warn: (message: string) => void): Promise<Artifact | undefined> {
  let buf: Buffer = Buffer.alloc(0);
  let bufStart = 0; // file offset of buf[0]
  let checkedElf = false;
  let found = false;
  for await (const chunk of body) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    if (!checkedElf) {
      if (buf.length < 4) continue;
      if (!buf.subarray(0, 4).equals(ELF_MAGIC)) return undefined;
      checkedElf = true;
    }
    if (!found) {
      let from = 0;
      let keepFrom = Math.max(0, buf.length - (BUILDINFO_MAGIC.length - 1));
      for (;;) {
        const idx = buf.indexOf(BUILDINFO_MAGIC, from);
        if (idx < 0) break;
        if ((bufStart + idx) % ALIGN === 0) {
          if (buf.length - idx < 16) {
            keepFrom = idx; // header straddles chunks: wait for more
            break;
          }
          if (isBuildInfoHeader(buf.subarray(idx))) {
            found = true;
            keepFrom = idx;
            break;
          }
        }
        from = idx + 1;
      }
      bufStart += keepFrom;
      buf = Buffer.from(buf.subarray(keepFrom)); // copy: do not pin the whole chunk
      if (!found) continue;
    }
    const parsed = parseBuildInfo(buf);
    if (parsed.status === 'ok') return { kind: 'packages', packages: goPackages(parsed.info) };
    if (parsed.status === 'unsupported') {
      warn(`Go binary ${path}: ${parsed.reason}; its modules are not inventoried`);
      return undefined;
    }
    if (buf.length > MAX_BUILDINFO_BYTES) {
      warn(`Go binary ${path}: build info larger than ${MAX_BUILDINFO_BYTES} bytes; not inventoried`);
      return undefined;
    }
  }
  if (found) warn(`Go binary ${path}: build info is cut off by the end of the file`);
  return undefined;
}
