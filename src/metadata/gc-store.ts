/** A blob row as garbage collection sees it. */
export interface GcBlob {
  digest: string;
  size: number;
  /** The later of its creation, the last link (upload commit, mount) and the last read that vouched for it (HEAD/GET). */
  lastUsedAt: Date;
}

export interface GcScanPage {
  /** Blobs in the page that no manifest references and nobody used since the cutoff. */
  candidates: GcBlob[];
  /** Blob rows the page covered (referenced or not). */
  scanned: number;
  /** The digest to pass as `after` for the next page; absent after the last page. */
  next?: string;
}

/** A manifest that lists a blob, and where it is. */
export interface BlobReferrer {
  accountId: string;
  repositoryName: string;
  manifestDigest: string;
}

/**
 * What online garbage collection (and `berth fsck`) needs from metadata.
 *
 * Liveness: every stored manifest is a root (ECR keeps untagged images until a lifecycle policy
 * expires them), and each manifest row lists the blobs it needs (config, layers) in
 * `manifest_blobs`; index children and referrers are manifest rows of their own. So a blob is live
 * exactly when some manifest row lists it, which makes the mark an indexed anti-join.
 *
 * Leases: a small table of per-key leases (owner + expiry) that work across processes and nodes and
 * lapse when their holder dies. The sweep holds a digest exclusively while it deletes a blob's rows
 * and file; writers (moving a blob into place and linking it) hold shared leases on the digest
 * (`writerLeaseKey`), which exclude the sweep but not each other — two commits of the same content
 * are harmless together, and a writer's lease left by a crash then delays only the sweep of that
 * digest, never another client's push. Plus `gc:run`, held by a running collection.
 */
export interface GcStore {
  /**
   * One page of the mark: up to `limit` blob rows in digest order after `after`, returning those no
   * manifest references whose last use is before `usedBefore`.
   */
  scanUnreferenced(options: { after?: string; limit: number; usedBefore: Date }): Promise<GcScanPage>;
  /**
   * Deletes the rows (repository links, then the blob) of those `digests` that, inside one
   * transaction, are still unreferenced, still unused since `usedBefore`, and whose lease `owner`
   * holds until at least `leaseValidUntil`. Returns what it deleted.
   */
  deleteUnreferenced(
    digests: readonly string[],
    options: { owner: string; usedBefore: Date; leaseValidUntil: Date },
  ): Promise<GcBlob[]>;
  /** Digests with a blob row in [from, to), in order (for reconciling rows with storage). */
  blobDigestsBetween(from: string, to: string): Promise<string[]>;
  /** Up to `limit` blob rows in digest order after `after` (for verifying every stored blob, a page at a time). */
  blobsAfter(after: string, limit: number): Promise<{ digest: string; size: number }[]>;
  /** Up to `limit` manifests that reference the blob (to say which images a damaged blob breaks). */
  manifestsReferencing(digest: string, limit: number): Promise<BlobReferrer[]>;
  /** Whether a digest has a blob row. */
  hasBlob(digest: string): Promise<boolean>;
  /** Whether any manifest references the digest. */
  isReferenced(digest: string): Promise<boolean>;
  /**
   * A reader (blob HEAD/GET) vouches for a blob a client may be about to reference: its last use
   * moves to `now` when it was before `staleBefore` (so reads write rarely). False when the
   * repository no longer links the blob.
   */
  touchLinkedBlob(repositoryId: number, digest: string, now: Date, staleBefore: Date): Promise<boolean>;
  /** Moves the blob's last use to `now` and releases the writer's lease, in one step; false when the lease was lost. */
  finishLinking(digest: string, owner: string, now: Date): Promise<boolean>;

  /** Takes a writer's shared lease on a digest; false while another owner holds the digest exclusively. */
  acquireWriterLease(digest: string, owner: string, ttlMs: number, now: Date): Promise<boolean>;
  /**
   * Takes the exclusive leases on `keys` that are free or expired (or already `owner`'s) and, for
   * digests, have no live writer lease; returns the keys taken.
   */
  acquireLeases(keys: readonly string[], owner: string, ttlMs: number, now: Date): Promise<string[]>;
  /** Extends `owner`'s unexpired leases; returns the keys still held. */
  renewLeases(keys: readonly string[], owner: string, ttlMs: number, now: Date): Promise<string[]>;
  /** Releases `owner`'s leases; returns the keys that were still held. */
  releaseLeases(keys: readonly string[], owner: string): Promise<string[]>;
  /** Forgets leases that expired before `before` (left by crashed holders). */
  pruneLeases(before: Date): Promise<number>;

  /** Which of these upload ids have a row (for finding orphan upload directories). */
  knownUploads(ids: readonly string[]): Promise<Set<string>>;
  /** Blob rows and their bytes, for the run summary. */
  totals(): Promise<{ blobs: number; bytes: number }>;
}

/** The lease key of one writer's shared lease on a digest (renew and release it like any key). */
export function writerLeaseKey(digest: string, owner: string): string {
  return `${digest}|${owner}`;
}
