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
