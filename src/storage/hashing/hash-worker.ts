/**
 * The hashing worker's entry (see hash-thread.ts). It owns node:crypto Hash objects keyed by the
 * ids the main thread picks and hashes what it is sent in order. Any exception ends the thread:
 * the main thread then fails every hash that lived here.
 */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { DigestAlgorithm } from '../../domain/digest.js';
import { releaseChunks } from '../release-chunk.js';
import type { FromHashWorker, ToHashWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('hash-worker.js runs only as a worker thread');

const states = new Map<number, Hash>();

function state(id: number, algorithm: DigestAlgorithm): Hash {
  let hash = states.get(id);
  if (!hash) {
    hash = createHash(algorithm);
    states.set(id, hash);
  }
  return hash;
}

function reply(message: FromHashWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

port.on('message', (message: ToHashWorker) => {
  switch (message.op) {
    case 'update':
      state(message.id, message.algorithm).update(new Uint8Array(message.slab, 0, message.length));
      reply({ op: 'hashed', id: message.id, slab: message.slab }, [message.slab]);
      break;
    case 'consume': {
      const hash = state(message.id, message.algorithm);
      for (const chunk of message.chunks) hash.update(new Uint8Array(chunk));
      // Freed now: left to this isolate's collector they would pile up here instead.
      releaseChunks(message.chunks);
      reply({ op: 'hashed', id: message.id });
      break;
    }
    case 'digest': {
      const hex = state(message.id, message.algorithm).digest('hex');
      states.delete(message.id);
      reply({ op: 'digest', id: message.id, hex });
      break;
    }
    case 'drop':
      states.delete(message.id);
      break;
  }
});
