/**
 * RPM header blobs as rpmdb stores them: int32 index count, int32 data length, then 16-byte index
 * entries (tag, type, offset, count) and the data store, all big-endian. Only the tags Berth
 * needs are decoded.
 */
export const TAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  LICENSE: 1014,
  ARCH: 1022,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
} as const;

const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;

export type HeaderValue = string | string[] | number[];

export function parseRpmHeader(blob: Buffer): Map<number, HeaderValue> {
  if (blob.length < 8) throw new Error('rpm header blob shorter than its preamble');
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  const dataStart = 8 + il * 16;
  if (il > 0xffff || dataStart + dl > blob.length) throw new Error('rpm header index or data exceeds the blob');
  const data = blob.subarray(dataStart, dataStart + dl);
  const wanted = new Set<number>(Object.values(TAG));
  const out = new Map<number, HeaderValue>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = blob.readInt32BE(at);
    if (!wanted.has(tag)) continue;
    const type = blob.readUInt32BE(at + 4);
    const offset = blob.readInt32BE(at + 8);
    const count = blob.readUInt32BE(at + 12);
    if (offset < 0 || offset > data.length) throw new Error(`rpm header tag ${tag} points outside the data`);
    if (type === TYPE_INT32) {
      if (offset + count * 4 > data.length) throw new Error(`rpm header tag ${tag} overruns the data`);
      out.set(tag, Array.from({ length: count }, (_, k) => data.readInt32BE(offset + k * 4)));
    } else if (type === TYPE_STRING || type === TYPE_I18NSTRING) {
      out.set(tag, readStrings(data, offset, 1, tag)[0]!);
    } else if (type === TYPE_STRING_ARRAY) {
      out.set(tag, readStrings(data, offset, count, tag));
    }
  }
  return out;
}

function readStrings(data: Buffer, offset: number, count: number, tag: number): string[] {
  const out: string[] = [];
  let pos = offset;
  for (let k = 0; k < count; k++) {
    const end = data.indexOf(0, pos);
    if (end < 0) throw new Error(`rpm header tag ${tag} has an unterminated string`);
    out.push(data.toString('utf8', pos, end));
    pos = end + 1;
  }
  return out;
}
