import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../util/logger.js';
import { DomainError } from '../domain/errors.js';
import { type GcStore, writerLeaseKey } from '../metadata/gc-store.js';
import { keepLeases, leaseOwner } from './leases.js';

export interface BlobGuardOptions {
  /** The garbage-collection grace period; a read vouches for a blob once its last use is older than half of it. */
  graceMs: number;
  /** How long a writer's digest lease lasts without renewal (it is renewed while the writer works). */
  leaseTtlMs?: number;
  /** How long a writer waits for a digest the sweep holds before answering TooManyRequests. */
  waitMs?: number;
  now?: () => Date;
  log?: Logger;
}

/**
 * The registry's side of online garbage collection. Two rules make sweeping safe while pushes and
 * pulls continue:
 *
 * - Writers that make a blob present (upload commit, cross-repository mount) hold the digest's
 *   lease while they move the verified file into place and link it, and end by moving the blob's
 *   last use to now. The sweep holds the same lease while it re-checks and deletes the rows and
 *   then the file. So the two never interleave into "row present, file gone", and a blob a writer
 *   just linked is younger than any grace period when the sweep re-checks it.
 * - Readers (blob HEAD/GET) vouch for the blob: a client that HEADs a layer and then PUTs a manifest
 *   naming it relies on it staying. Its last use moves to now when older than half the grace
 *   period, so the client has at least that long to reference it, and reads write rarely.
 */
export class BlobGuard {
  private readonly leaseTtlMs: number;
  private readonly waitMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly store: GcStore,
    private readonly options: BlobGuardOptions,
  ) {
    this.leaseTtlMs = options.leaseTtlMs ?? 60_000;
    this.waitMs = options.waitMs ?? 30_000;
    this.now = options.now ?? (() => new Date());
  }

  /** Runs `work` (which moves the blob into place and/or links it) while holding the digest's lease. */
  async whileLinking<T>(digest: string, work: () => Promise<T>): Promise<T> {
    const owner = leaseOwner('link');
    await this.acquire(digest, owner);
    const key = writerLeaseKey(digest, owner);
    const stop = keepLeases(this.store, () => [key], owner, this.leaseTtlMs, this.now);
    let result: T;
    try {
      result = await work();
    } catch (err) {
      stop();
      await this.store.releaseLeases([key], owner).catch(() => undefined);
      throw err;
    }
    stop();
    // The sweep can take the digest only after this writer's lease lapsed (which deletes it), so
    // "still there" means no sweep held the digest in between, whatever the renewals managed.
    const held = await this.store.finishLinking(digest, owner, this.now());
    if (!held) {
      // Only possible when this process stalled past the lease TTL and a sweep took the digest
      // over: the blob may have been deleted under the link just made. Fail loudly so the client
      // retries; the next collection reports the row if its file is gone.
      this.options.log?.error({ digest }, 'blob lease lost while linking');
      throw new DomainError('Internal', `blob ${digest} was garbage-collected while being linked; retry the upload`);
    }
    return result;
  }

  /** A read vouches for a linked blob; false when the repository no longer links it. */
  async noteRead(repositoryId: number, digest: string): Promise<boolean> {
    const now = this.now();
    return this.store.touchLinkedBlob(repositoryId, digest, now, new Date(now.getTime() - this.options.graceMs / 2));
  }

  private async acquire(digest: string, owner: string): Promise<void> {
    const started = Date.now();
    // The sweep holds a digest for one batch (milliseconds to a second), so short polls suffice.
    for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
      if (await this.store.acquireWriterLease(digest, owner, this.leaseTtlMs, this.now())) return;
      if (Date.now() - started >= this.waitMs) {
        throw new DomainError('TooManyRequests', `blob ${digest} is being garbage-collected; retry shortly`, { digest });
      }
      await sleep(delay);
    }
  }
}
