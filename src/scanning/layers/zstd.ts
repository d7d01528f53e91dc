import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { Decompress } from 'fzstd';
import { decodeThrough, type Decoder } from './decode-through.js';

/**
 * Zstandard decompression as an async chunk stream: node:zlib's native decoder when the running
 * Node has it (22.15+), else fzstd (pure JS, streaming, rejects oversized window sizes itself).
 */
type NativeZstd = { createZstdDecompress?: () => NodeJS.ReadWriteStream };

export function nativeZstdAvailable(): boolean {
  return typeof (zlib as unknown as NativeZstd).createZstdDecompress === 'function';
}

export function zstdDecompress(source: AsyncIterable<Buffer>, preferNative = nativeZstdAvailable()): Decoder {
  if (preferNative) {
    const decoder = (zlib as unknown as Required<NativeZstd>).createZstdDecompress() as unknown as NodeJS.ReadWriteStream & Readable & { bytesWritten: number };
    return { stream: decodeThrough(source, decoder), consumed: () => decoder.bytesWritten };
  }
  let consumed = 0;
  async function* stream(): AsyncGenerator<Buffer> {
    const out: Buffer[] = [];
    // fzstd hands out views of its window buffer, which it reuses: copy before queueing.
    const decoder = new Decompress((chunk) => out.push(Buffer.from(chunk)));
    for await (const chunk of source) {
      // fzstd decodes all of a pushed chunk at once.
      decoder.push(chunk);
      consumed += chunk.length;
      while (out.length) yield out.shift()!;
    }
    decoder.push(new Uint8Array(0), true);
    while (out.length) yield out.shift()!;
  }
  return { stream: stream(), consumed: () => consumed };
}
