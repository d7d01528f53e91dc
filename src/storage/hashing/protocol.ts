import type { DigestAlgorithm } from '../../domain/digest.js';

/**
 * Messages between the main thread and the hashing worker. Hash states live in the worker, keyed
 * by a number the main thread picks; a state is created by its first update. Buffers are moved
 * (transferred, not copied) to the worker: slabs come back to be filled again, consumed chunks
 * are freed there, so hashing neither copies nor leaves garbage in the steady state.
 */
export type ToHashWorker =
  /** Hash `slab[0, length)` into state `id`, then send the slab back. */
  | { op: 'update'; id: number; algorithm: DigestAlgorithm; slab: ArrayBuffer; length: number }
  /** Hash each chunk whole into state `id`, in order, then free them and acknowledge. */
  | { op: 'consume'; id: number; algorithm: DigestAlgorithm; chunks: ArrayBuffer[] }
  /** Answer state `id`'s digest (a state never updated is the empty input's) and forget the state. */
  | { op: 'digest'; id: number; algorithm: DigestAlgorithm }
  /** Forget state `id` without answering. */
  | { op: 'drop'; id: number };

export type FromHashWorker =
  /** An update's slab, back; `slab` is absent for a consume. */
  | { op: 'hashed'; id: number; slab?: ArrayBuffer }
  | { op: 'digest'; id: number; hex: string };
