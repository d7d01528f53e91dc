/**
 * Hand-made tar blocks for hostile-layer tests: tar-stream (rightly) will not write some of these,
 * so headers are assembled byte by byte here, with a valid checksum.
 */
export interface RawEntry {
  name: string;
  typeflag?: string;
  linkname?: string;
  content?: Buffer | string;
  /** Size to declare, when it should differ from the content's (truncation, pax bombs). */
  declaredSize?: number;
  mode?: number;
}

export function rawHeader(e: RawEntry): Buffer {
  const h = Buffer.alloc(512);
  const content = typeof e.content === 'string' ? Buffer.from(e.content) : (e.content ?? Buffer.alloc(0));
  h.write(e.name, 0, 100, 'utf8');
  h.write(`${(e.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${(e.declaredSize ?? content.length).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write(e.typeflag ?? '0', 156, 'latin1');
  if (e.linkname) h.write(e.linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

export function rawTar(entries: RawEntry[], { end = true } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const content = typeof e.content === 'string' ? Buffer.from(e.content) : (e.content ?? Buffer.alloc(0));
    parts.push(rawHeader(e), content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  if (end) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
