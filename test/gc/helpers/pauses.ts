import type { StorageDriver } from '../../../src/storage/driver.js';
import type { World } from './world.js';
import { gate } from './world.js';

/**
 * A storage driver that can hold an upload commit between its move into blobs/ (or its "already
 * there" check) and its link: commitUpload's last storage step is deleting uploads/<id>, which
 * runs while the writer holds the digest lease and before the row is linked.
 */
export interface Pause {
  /** Resolves when the paused operation got there. */
  reached: Promise<void>;
  resume(): void;
}

export function pausableDriver(inner: StorageDriver): {
  driver: StorageDriver;
  /** Holds the next upload commit after its storage work (the move, or "already there"), before its link. */
  pauseNextCommit(): Pause;
  /** Holds the next stat of a blob after it answered (a mount's "the file is there"), before its link. */
  pauseNextBlobStat(): Pause;
} {
  const armed: { commit?: () => Promise<void>; stat?: () => Promise<void> } = {};
  const arm = (slot: 'commit' | 'stat'): Pause => {
    const reached = gate();
    const release = gate();
    armed[slot] = async () => {
      reached.open();
      await release.wait;
    };
    return { reached: reached.wait, resume: release.open };
  };
  const take = (slot: 'commit' | 'stat') => {
    const pause = armed[slot];
    armed[slot] = undefined;
    return pause;
  };
  const driver = Object.create(inner) as StorageDriver;
  driver.delete = async (path: string) => {
    await inner.delete(path);
    if (/^uploads\/[^/]+$/.test(path)) await take('commit')?.();
  };
  driver.stat = async (path: string) => {
    const info = await inner.stat(path);
    if (path.startsWith('blobs/')) await take('stat')?.();
    return info;
  };
  return { driver, pauseNextCommit: () => arm('commit'), pauseNextBlobStat: () => arm('stat') };
}

/** Resolves when a blob writer asks for a digest's lease and is refused (it is now waiting for the sweep). */
export function writerRefused(world: World, digest: string): Promise<void> {
  const { wait, open } = gate();
  const gc = world.store.gc;
  const original = gc.acquireWriterLease.bind(gc);
  gc.acquireWriterLease = async (wanted, owner, ttlMs, now) => {
    const taken = await original(wanted, owner, ttlMs, now);
    if (wanted === digest && !taken) open();
    return taken;
  };
  return wait;
}

/** Fails the test instead of hanging when an expected interleaving never happens. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms).unref()),
  ]);
}
