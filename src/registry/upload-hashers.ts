import type { Readable } from 'node:stream';
import type { DigestAlgorithm } from '../domain/digest.js';
import { type OffThreadHash, type OffThreadHashing, sharedHashing } from '../storage/hashing/off-thread-hasher.js';
import { isRecycling } from '../storage/recycling.js';

interface HashState {
  algorithm: DigestAlgorithm;
  hash: OffThreadHash;
  /** Bytes of the upload the hash has consumed. */
  offset: number;
}

const MAX_HELD = 10_000;

/**
 * The running digest of each upload in progress, so chunks are hashed once as they stream in
 * (on the hashing worker, see OffThreadHashing). Node cannot serialise a hash state, so after a
 * restart (or on another node, when the final PUT names a different algorithm, or when the
 * worker holding the state stopped) the state is rebuilt by reading the staged bytes once.
 */
export class UploadHashers {
  private readonly states = new Map<string, HashState>();

  constructor(private readonly hashing: OffThreadHashing = sharedHashing()) {}

  /**
   * A hash that has consumed exactly the upload's first `size` bytes. Ownership passes to the
   * caller, who must digest it, put it back, or dispose of it.
   */
  async take(
    id: string,
    algorithm: DigestAlgorithm,
    size: number,
    readStaged: () => Promise<Readable>,
  ): Promise<OffThreadHash> {
    const state = this.states.get(id);
    this.states.delete(id);
    if (state && state.algorithm === algorithm && state.offset === size && !state.hash.failed) return state.hash;
    state?.hash.dispose();
    const hash = this.hashing.create(algorithm);
    if (size > 0) {
      try {
        const staged = await readStaged();
        for await (const chunk of staged) {
          await hash.update(chunk as Buffer);
          // The hash copied it: the reader may read into that memory again.
          if (isRecycling(staged)) staged.recycle(chunk as Buffer);
        }
      } catch (err) {
        hash.dispose();
        throw err;
      }
    }
    return hash;
  }

  /** Keeps a hash for the next chunk of the upload. */
  put(id: string, algorithm: DigestAlgorithm, hash: OffThreadHash, offset: number): void {
    hash.flush();
    const previous = this.states.get(id);
    if (previous && previous.hash !== hash) previous.hash.dispose();
    this.states.delete(id);
    if (this.states.size >= MAX_HELD) {
      // Forget the oldest; it will be rebuilt from storage if its upload continues.
      const oldest = this.states.keys().next().value!;
      this.states.get(oldest)?.hash.dispose();
      this.states.delete(oldest);
    }
    this.states.set(id, { algorithm, hash, offset });
  }

  drop(id: string): void {
    this.states.get(id)?.hash.dispose();
    this.states.delete(id);
  }
}
