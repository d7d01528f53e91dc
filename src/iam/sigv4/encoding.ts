/**
 * URI encoding as SigV4 defines it: every byte except the unreserved set A-Z a-z 0-9 - _ . ~ is
 * written as %XY with upper-case hex. Works on UTF-8 bytes so that raw input which does not decode
 * cleanly (e.g. "%FF") still canonicalises to exactly what the client signed.
 */
const UNRESERVED = new Uint8Array(256);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~') {
  UNRESERVED[ch.charCodeAt(0)] = 1;
}
const HEX = '0123456789ABCDEF';

function encodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    out += UNRESERVED[b] ? String.fromCharCode(b) : `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** Encodes a string's UTF-8 bytes (nothing is decoded first). */
export function uriEncode(value: string): string {
  return encodeBytes(Buffer.from(value, 'utf8'));
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** Percent-decodes to bytes; a '%' not followed by two hex digits is kept literally. */
function percentDecodeBytes(value: string): Buffer {
  const raw = Buffer.from(value, 'utf8');
  const out = Buffer.allocUnsafe(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x25 && i + 2 < raw.length) {
      const hi = hexValue(raw[i + 1]!);
      const lo = hexValue(raw[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = b;
  }
  return out.subarray(0, n);
}

/** Decodes then re-encodes, so "%e1%88%b4", "%E1%88%B4" and "ሴ" all become "%E1%88%B4". */
export function normaliseEncoding(value: string): string {
  return encodeBytes(percentDecodeBytes(value));
}
