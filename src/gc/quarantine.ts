import { GcEvent, outboxEvent } from '../domain/events/index.js';
import type { Logger } from '../util/logger.js';
import type { MetadataStore } from '../metadata/store.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { FileInfo } from '../storage/driver.js';
import { keepLeases, leaseOwner } from './leases.js';

/** The outbox event a quarantined blob writes (the audit log records it as `berth:blob.quarantined`). */
export const BLOB_QUARANTINED_EVENT = GcEvent.BlobQuarantined;

/** A blob whose stored bytes are not what its digest and recorded size say. */
export interface BlobDamage {
  digest: string;
  /** The size metadata records (verified when the blob was pushed). */
  expectedSize: number;
  /** The size of the file found. */
  actualSize: number;
  /** What the file's bytes hash to, when they were hashed. */
  actualDigest?: string;
  /** Who found it: a read that came up short (`read`), a HEAD's size check (`stat`), `fsck`. */
  detectedBy: 'read' | 'stat' | 'fsck';
}

export interface QuarantineDeps {
  store: MetadataStore;
  blobs: BlobStore;
  log: Logger;
  now: () => Date;
  leaseTtlMs?: number;
}

/**
 * Sets a damaged blob's file aside (BlobStore.quarantine: under quarantine/, neither served nor
 * collected), so the digest reads as missing — HEAD answers 404, the client pushes the content
 * again, and the upload puts good bytes back — and records it with a `blob.quarantined` outbox
 * event. The blob row and the manifests that reference it stay: pulls of those images fail on the
 * blob (BLOB_UNKNOWN) until it is pushed again, and garbage collection reports the row as missing
 * its file meanwhile.
 *
 * Done under the digest's exclusive lease, so no upload commit or garbage-collection sweep of the
 * digest runs meanwhile, and only when `stillDamaged` holds for the file found under the lease (it
 * may have been set aside already, or replaced by a good push). Returns where the file went, or
 * undefined when it was left alone.
 */
export async function quarantineBlob(
  deps: QuarantineDeps,
  damage: BlobDamage,
  stillDamaged: (file: FileInfo) => boolean | Promise<boolean>,
): Promise<string | undefined> {
  const { store, blobs, log, now } = deps;
  const ttl = deps.leaseTtlMs ?? 60_000;
  const owner = leaseOwner('quarantine');
  const taken = await store.gc.acquireLeases([damage.digest], owner, ttl, now());
  if (taken.length === 0) {
    // An upload commit (perhaps the repair) or a sweep holds the digest: the next check decides.
    log.warn({ digest: damage.digest }, 'damaged blob left in place: its digest is busy');
    return undefined;
  }
  const stop = keepLeases(store.gc, () => taken, owner, ttl, now);
  try {
    const file = await blobs.stat(damage.digest);
    if (!file || !(await stillDamaged(file))) return undefined;
    const path = await blobs.quarantine(damage.digest);
    log.error({ ...damage, actualSize: file.size, quarantinedAs: path }, 'damaged blob set aside');
    await store.events.append([
      outboxEvent(BLOB_QUARANTINED_EVENT, {
        occurredAt: now(),
        payload: { ...damage, actualSize: file.size, quarantinedAs: path, actor: damage.detectedBy === 'fsck' ? 'berth:fsck' : 'berth:system' },
      }),
    ]);
    return path;
  } finally {
    stop();
    await store.gc.releaseLeases(taken, owner).catch(() => undefined);
  }
}
