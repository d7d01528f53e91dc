import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { ZstdErrorCode } from 'fzstd';
import { ScanFailedError } from '../errors.js';
import { decodeThrough } from './decode-through.js';
import { formatBytes, type ScanLimits } from './limits.js';
import { zstdDecompress } from './zstd.js';

export type Compression = 'gzip' | 'zstd' | 'none';

/** Byte counters shared across the layers of one scan (the uncompressed limit is per image). */
export interface ByteCounters {
  uncompressed: number;
}

/** Compression from magic bytes; the media type is not trusted (registries see mislabeled layers). */
function detectCompression(head: Buffer): Compression | 'xz' | 'bzip2' {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'BZh') return 'bzip2';
  return 'none';
}

/**
 * The tar bytes of one layer, decompressed as they stream, with the image-wide size limit and the
 * per-layer ratio limit enforced on the way. Corrupt or truncated streams become ScanFailedError.
 */
export async function* layerTarStream(raw: Readable, digest: string, limits: ScanLimits, counters: ByteCounters): AsyncGenerator<Buffer> {
  const iterator = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let compressedIn = 0;
  const pending: Buffer[] = [];
  let head = Buffer.alloc(0);
  while (head.length < 6) {
    const next = await nextRaw(iterator, digest);
    if (next.done) break;
    compressedIn += next.value.length;
    pending.push(next.value);
    head = Buffer.concat([head, next.value]);
  }
  const kind = detectCompression(head);
  if (kind === 'xz' || kind === 'bzip2') {
    throw new ScanFailedError('compression-invalid', `layer ${digest} is ${kind}-compressed; only gzip, zstd and uncompressed layers are supported`, {
      layerDigest: digest,
    });
  }
  async function* compressed(): AsyncGenerator<Buffer> {
    yield* pending;
    for (;;) {
      const next = await nextRaw(iterator, digest);
      if (next.done) return;
      compressedIn += next.value.length;
      yield next.value;
    }
  }
  let layerOut = 0;
  const account = (chunk: Buffer): void => {
    layerOut += chunk.length;
    counters.uncompressed += chunk.length;
    if (counters.uncompressed > limits.maxUncompressedBytes) {
      throw new ScanFailedError('limit-exceeded', `image expands to more than ${formatBytes(limits.maxUncompressedBytes)} of tar data (limit maxUncompressedBytes)`, {
        layerDigest: digest,
      });
    }
    if (kind !== 'none' && layerOut > limits.ratioCheckAfterBytes && layerOut > limits.maxCompressionRatio * compressedIn) {
      throw new ScanFailedError(
        'limit-exceeded',
        `layer ${digest} expands more than ${limits.maxCompressionRatio}:1 (${formatBytes(layerOut)} from ${formatBytes(compressedIn)}); refusing a likely decompression bomb`,
        { layerDigest: digest },
      );
    }
  };
  try {
    const source = kind === 'gzip' ? gunzip(compressed()) : kind === 'zstd' ? zstdDecompress(compressed()) : compressed();
    for await (const chunk of guard(source, kind, digest)) {
      account(chunk);
      yield chunk;
    }
  } finally {
    raw.destroy();
  }
}

async function nextRaw(iterator: AsyncIterator<Buffer>, digest: string): Promise<IteratorResult<Buffer>> {
  try {
    return await iterator.next();
  } catch (err) {
    throw new ScanFailedError('layer-unreadable', `layer ${digest} could not be read: ${(err as Error).message}`, { layerDigest: digest });
  }
}

function gunzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  return decodeThrough(source, zlib.createGunzip({ chunkSize: 128 * 1024 }));
}

/**
 * Whether a decoder's error code says the input ended early: node:zlib reports Z_BUF_ERROR
 * ("unexpected end of file") for gzip and for its native zstd, fzstd its UnexpectedEOF code.
 */
function isTruncation(code: unknown): boolean {
  return code === 'Z_BUF_ERROR' || code === ZstdErrorCode.UnexpectedEOF;
}

/** Turns decoder errors into specific scan failures; ScanFailedErrors (ours) pass through. */
async function* guard(source: AsyncIterable<Buffer>, kind: Compression, digest: string): AsyncGenerator<Buffer> {
  try {
    yield* source;
  } catch (err) {
    if (err instanceof ScanFailedError) throw err;
    const e = err as Error & { code?: unknown };
    const truncated = isTruncation(e.code);
    const what = kind === 'none' ? 'stream' : `${kind} stream`;
    throw new ScanFailedError(
      'compression-invalid',
      truncated ? `layer ${digest}: ${what} is truncated (unexpected end of data)` : `layer ${digest}: ${what} is corrupt (${e.message})`,
      { layerDigest: digest },
    );
  }
}
