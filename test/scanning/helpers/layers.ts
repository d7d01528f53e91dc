import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { LayerSource } from '../../../src/scanning/inventory/scan-layers.js';
import { sha256 } from '../../support/digest.js';
import { OCI_LAYER } from '../../support/media-types.js';

export interface FileSpec {
  name: string;
  content?: string | Buffer;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  linkname?: string;
  mode?: number;
}

/** A tar archive built with tar-stream (an implementation independent of the scanner's reader). */
export async function tarOf(files: FileSpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const f of files) {
    const type = f.type ?? 'file';
    const header = { name: f.name, type, mode: f.mode ?? (type === 'directory' ? 0o755 : 0o644), ...(f.linkname ? { linkname: f.linkname } : {}) };
    await new Promise<void>((resolve, reject) => {
      if (type === 'file') pack.entry(header, f.content ?? '', (err) => (err ? reject(err) : resolve()));
      else pack.entry(header, (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function bufferLayer(bytes: Buffer, mediaType = OCI_LAYER): LayerSource {
  return {
    digest: sha256(bytes),
    mediaType,
    open: async () => Readable.from(chunked(bytes, 64 * 1024)),
  };
}

export async function gzipLayer(files: FileSpec[]): Promise<LayerSource> {
  return bufferLayer(gzipSync(await tarOf(files)));
}

export function fileLayer(path: string, digest = sha256(path)): LayerSource {
  return { digest, mediaType: OCI_LAYER, open: async () => createReadStream(path) };
}

function* chunked(bytes: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
