import type { Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createDigester, type DigestAlgorithm } from '../domain/digest.js';

interface HashState {
  algorithm: DigestAlgorithm;
  hash: Hash;
  /** Bytes of the upload the hash has consumed. */
  offset: number;
}

const MAX_HELD = 10_000;

/**
 * The running digest of each upload in progress, so chunks are hashed once as they stream in.
 * Node cannot serialise a hash state, so after a restart (or on another node, or when the final
 * PUT names a different algorithm) the state is rebuilt by reading the staged bytes once.
 *
 * Several nodes over S3 (decided with measurements, test/storage/s3/measure.ts): hashes stay
 * node:crypto's, not a hash whose state can be saved in storage (hash-wasm's createSHA256
 * save()/load()), which hashed 70–150 MiB/s against node:crypto's 500–1100 MiB/s on the same
 * (loaded, 2-core) machine: it would cap every push below what RGW ingested (98–156 MiB/s) and
 * cost every single-node push too. Instead, after each chunk the finished digest of the bytes so
 * far is saved beside the upload (BlobStore.saveUploadDigest, shared storage only), so the usual
 * push — one streamed PATCH, then PUT ?digest= — completes on any node without reading anything
 * back. A chunk continued on another node than the previous one still rebuilds the hash by reading
 * the upload back from S3 (~250 MiB/s on RGW: ~4 s per GiB); routing an upload's requests to one
 * node (e.g. by the upload id in the path) avoids that.
 */
export class UploadHashers {
  private readonly states = new Map<string, HashState>();

  /** A hash that has consumed exactly the upload's first `size` bytes. Ownership passes to the caller. */
  async take(
    id: string,
    algorithm: DigestAlgorithm,
    size: number,
    readStaged: () => Promise<Readable>,
  ): Promise<Hash> {
    const state = this.states.get(id);
    this.states.delete(id);
    if (state && state.algorithm === algorithm && state.offset === size) return state.hash;
    const hash = createDigester(algorithm);
    if (size > 0) {
      for await (const chunk of await readStaged()) hash.update(chunk as Buffer);
    }
    return hash;
  }

  /** Whether a hash that has consumed exactly the upload's first `size` bytes is held. */
  holds(id: string, algorithm: DigestAlgorithm, size: number): boolean {
    const state = this.states.get(id);
    return state !== undefined && state.algorithm === algorithm && state.offset === size;
  }

  /** Keeps a hash for the next chunk of the upload. */
  put(id: string, algorithm: DigestAlgorithm, hash: Hash, offset: number): void {
    if (this.states.size >= MAX_HELD) {
      // Forget the oldest; it will be rebuilt from storage if its upload continues.
      this.states.delete(this.states.keys().next().value!);
    }
    this.states.set(id, { algorithm, hash, offset });
  }

  drop(id: string): void {
    this.states.delete(id);
  }
}
