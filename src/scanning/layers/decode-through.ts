import { Readable, pipeline } from 'node:stream';

/** Decompressed output, and how many compressed bytes the decoder has consumed to produce it so far. */
export interface Decoder {
  stream: AsyncGenerator<Buffer>;
  consumed(): number;
}

/**
 * Runs an async chunk stream through a decoding Transform (node:zlib's gunzip or zstd) and yields
 * what comes out. Errors on either side end the iteration with that error (the pipeline's own
 * callback is not needed: the decoder rethrows them); leaving early destroys both streams.
 */
export async function* decodeThrough(source: AsyncIterable<Buffer>, decoder: NodeJS.ReadWriteStream & Readable): AsyncGenerator<Buffer> {
  const input = Readable.from(source, { objectMode: false });
  pipeline(input, decoder, () => {});
  try {
    for await (const chunk of decoder) yield chunk as Buffer;
  } finally {
    input.destroy();
    decoder.destroy();
  }
}
