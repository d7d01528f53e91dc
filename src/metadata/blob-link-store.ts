export interface BlobRecord {
  digest: string;
  size: number;
}

/** Which repository may see which blob (blob bytes live in src/storage; this is only the link). */
export interface BlobLinkStore {
  getRepositoryBlob(repositoryId: number, digest: string): Promise<BlobRecord | undefined>;
  linkBlob(repositoryId: number, blob: BlobRecord, now: Date): Promise<void>;
  unlinkBlob(repositoryId: number, digest: string): Promise<boolean>;
}
