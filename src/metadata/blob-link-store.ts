export interface BlobRecord {
  digest: string;
  size: number;
}

/** What unlinking a blob did: removed the link, found none, or left it for a manifest that uses it. */
export type BlobUnlink =
  | { outcome: 'unlinked' }
  | { outcome: 'missing' }
  /** The first manifest found that references the blob (a tagged one when there is one), and a tag of it. */
  | { outcome: 'referenced'; manifest: string; tag?: string };

/** Which repository may see which blob (blob bytes live in src/storage; this is only the link). */
export interface BlobLinkStore {
  getRepositoryBlob(repositoryId: number, digest: string): Promise<BlobRecord | undefined>;
  linkBlob(repositoryId: number, blob: BlobRecord, now: Date): Promise<void>;
  /**
   * Removes the repository's link to a blob, unless a manifest of the repository references it:
   * checked in the transaction that deletes, so no manifest can come to reference it meanwhile.
   */
  unlinkBlob(repositoryId: number, digest: string): Promise<BlobUnlink>;
}
