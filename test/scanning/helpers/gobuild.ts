/**
 * A Go build-info blob in the Go 1.18+ layout (debug/buildinfo): 32-byte header with the
 * "\xff Go buildinf:" magic, pointer size 8 and the inline-strings flag, then the Go version and
 * the module info as uvarint-length-prefixed strings, the module info between 16-byte sentinels.
 */
const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

export function buildInfoBlob(goVersion: string, modinfo: string): Buffer {
  const header = Buffer.alloc(32);
  MAGIC.copy(header);
  header[14] = 8;
  header[15] = 0x2;
  const version = Buffer.from(goVersion);
  const mod = Buffer.concat([START, Buffer.from(modinfo), END]);
  return Buffer.concat([header, uvarint(version.length), version, uvarint(mod.length), mod]);
}

/**
 * A file that looks like a Go ELF executable: ELF magic, a decoy copy of the magic at an unaligned
 * offset (as a binary importing debug/buildinfo has in its rodata), then the real blob 16-byte
 * aligned, then trailing bytes.
 */
export function fakeGoBinary(goVersion: string, modinfo: string, size = 300_000): Buffer {
  const out = Buffer.alloc(size);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(out, 0);
  MAGIC.copy(out, 70_003);
  const blob = buildInfoBlob(goVersion, modinfo);
  blob.copy(out, 200_000); // 200000 % 16 === 0
  return out;
}
