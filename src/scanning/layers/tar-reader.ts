import { ChunkReader } from './chunk-reader.js';

/**
 * A streaming tar parser (ustar, GNU long names, pax headers, base-256 sizes) written for the
 * scanner rather than taken from tar-stream: it needs exact limits on header sizes, specific
 * errors for truncation, and no per-entry stream objects (images have 10^4–10^5 entries).
 */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** The raw entry name (pax `path` / GNU long name applied), not yet validated. */
  name: string;
  type: TarEntryType;
  size: number;
  mode: number;
  linkname: string;
  /** Reads the whole body (size must have been checked by the caller). */
  read(): Promise<Buffer>;
  /** Streams the body; what is not consumed is skipped when iteration moves on. */
  body(): AsyncGenerator<Buffer>;
}

export class TarFormatError extends Error {
  constructor(
    message: string,
    readonly kind: 'truncated' | 'invalid' | 'header-too-large',
  ) {
    super(message);
    this.name = 'TarFormatError';
  }
}

const BLOCK = 512;

export async function* readTar(chunks: AsyncIterable<Buffer>, maxHeaderBytes: number): AsyncGenerator<TarEntry> {
  const reader = new ChunkReader(chunks[Symbol.asyncIterator]());
  let globalPax: Record<string, string> = {};
  let pax: Record<string, string> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;

  for (;;) {
    const offset = reader.position;
    if (!(await reader.ensure(BLOCK))) {
      // A clean end at a block boundary without the end-of-archive blocks is common and harmless.
      if (await reader.ensure(1)) throw new TarFormatError(`tar data ends inside a header at offset ${offset}`, 'truncated');
      return;
    }
    const header = reader.take(BLOCK);
    if (isZeroBlock(header)) {
      await drain(reader);
      return;
    }
    verifyChecksum(header, offset);
    const typeflag = String.fromCharCode(header[156]!);
    let size = parseNumber(header, 124, 12, offset);
    const special = typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K';
    if (special) {
      if (size > maxHeaderBytes) {
        throw new TarFormatError(`tar extended header of ${size} bytes at offset ${offset} exceeds the ${maxHeaderBytes}-byte limit`, 'header-too-large');
      }
      if (!(await reader.ensure(size))) throw new TarFormatError(`tar data ends inside an extended header at offset ${offset}`, 'truncated');
      const data = reader.take(size);
      await skipPadding(reader, size, offset);
      if (typeflag === 'x') pax = { ...globalPax, ...parsePax(data, offset) };
      else if (typeflag === 'g') globalPax = { ...globalPax, ...parsePax(data, offset) };
      else if (typeflag === 'L') longName = cString(data);
      else longLink = cString(data);
      continue;
    }

    const local = pax ?? (Object.keys(globalPax).length ? globalPax : undefined);
    let name = longName ?? headerName(header);
    let linkname = longLink ?? cString(header.subarray(157, 257));
    if (local?.path !== undefined) name = local.path;
    if (local?.linkpath !== undefined) linkname = local.linkpath;
    if (local?.size !== undefined) {
      if (!/^\d+$/.test(local.size)) throw new TarFormatError(`invalid pax size '${local.size}' at offset ${offset}`, 'invalid');
      size = Number(local.size);
    }
    pax = undefined;
    longName = undefined;
    longLink = undefined;
    if (name.includes('\0')) throw new TarFormatError(`tar entry name contains a NUL byte at offset ${offset}`, 'invalid');

    const type = entryType(typeflag);
    // Only regular files carry a body per POSIX; GNU writers may set sizes on others (e.g. sparse).
    const bodySize = type === 'directory' || type === 'symlink' || type === 'hardlink' ? 0 : size;
    let consumed = 0;
    const entry: TarEntry = {
      name,
      type,
      size: bodySize,
      mode: parseNumber(header, 100, 8, offset),
      linkname,
      async read() {
        const parts: Buffer[] = [];
        for await (const piece of this.body()) parts.push(piece);
        return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      },
      async *body() {
        const gen = reader.pieces(bodySize - consumed);
        for (;;) {
          const next = await gen.next();
          if (next.done) {
            if (consumed < bodySize) throw truncatedIn(name);
            return;
          }
          consumed += next.value.length;
          yield next.value;
        }
      },
    };
    yield entry;
    if (consumed < bodySize) {
      const want = bodySize - consumed;
      if ((await reader.skip(want)) < want) throw truncatedIn(name);
    }
    await skipPadding(reader, bodySize, offset);
  }
}

function truncatedIn(name: string): TarFormatError {
  return new TarFormatError(`tar data ends inside the body of '${name}'`, 'truncated');
}

async function skipPadding(reader: ChunkReader, size: number, offset: number): Promise<void> {
  const pad = (BLOCK - (size % BLOCK)) % BLOCK;
  if (pad && (await reader.skip(pad)) < pad) {
    // Some writers stop right after the last body without padding; only fail if data is missing mid-archive.
    if (await reader.ensure(1)) throw new TarFormatError(`tar padding missing after entry at offset ${offset}`, 'truncated');
  }
}

/** Reads past the end-of-archive marker so a corrupt compressed tail is still noticed. */
async function drain(reader: ChunkReader): Promise<void> {
  while ((await reader.skip(1 << 20)) > 0) {
    // keep reading
  }
}

function isZeroBlock(b: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

function verifyChecksum(h: Buffer, offset: number): void {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  const stored = parseOctal(h.subarray(148, 156));
  if (stored === undefined || (stored !== unsigned && stored !== signed)) {
    throw new TarFormatError(`invalid tar header checksum at offset ${offset} (not a tar archive, or corrupt)`, 'invalid');
  }
}

function parseOctal(field: Buffer): number | undefined {
  const text = field.toString('latin1').replace(/[\0 ]+$/g, '').replace(/^[ \0]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  return parseInt(text, 8);
}

function parseNumber(h: Buffer, start: number, length: number, offset: number): number {
  const field = h.subarray(start, start + length);
  if (field[0]! & 0x80) {
    // GNU base-256: big-endian two's complement, high bit of the first byte as the marker.
    let value = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    if (!Number.isSafeInteger(value)) throw new TarFormatError(`tar numeric field out of range at offset ${offset}`, 'invalid');
    return value;
  }
  const value = parseOctal(field);
  if (value === undefined) throw new TarFormatError(`invalid tar numeric field at offset ${offset}`, 'invalid');
  return value;
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.toString('utf8', 0, nul < 0 ? b.length : nul);
}

function headerName(h: Buffer): string {
  const name = cString(h.subarray(0, 100));
  // POSIX ustar ("ustar\0") splits long names into prefix + name; GNU ("ustar  ") uses that area otherwise.
  if (h.toString('latin1', 257, 263) === 'ustar\0') {
    const prefix = cString(h.subarray(345, 500));
    if (prefix) return `${prefix}/${name}`;
  }
  return name;
}

function parsePax(data: Buffer, offset: number): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = Number(data.toString('latin1', pos, space));
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length) {
      throw new TarFormatError(`malformed pax record at offset ${offset}`, 'invalid');
    }
    const record = data.toString('utf8', space + 1, pos + len - 1); // drop trailing "\n"
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

function entryType(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '5':
      return 'directory';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    default:
      return 'other';
  }
}
