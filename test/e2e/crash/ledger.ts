import type { Blob } from './images.js';

/** An upload session the client opened (it has a Location) and had not seen complete. */
export interface OpenUpload {
  repository: string;
  blob: Blob;
  location: string;
  /** Bytes the server acknowledged with 202 (they must survive a crash). */
  acknowledged: number;
  completed: boolean;
}

/**
 * What the client knows the registry acknowledged, to check after a crash: every acknowledged blob
 * and manifest must still be there, and every unfinished upload must be resumable or gone.
 */
export class Ledger {
  readonly blobs = new Map<string, { repository: string; digest: string; size: number }>();
  readonly manifests = new Map<string, { repository: string; tag: string; digest: string }>();
  readonly uploads: OpenUpload[] = [];
  /** Replies the registry should never have given (never expected, crash or not). */
  readonly wrongReplies: string[] = [];
  /** Transport failures (expected only once the server is killed). */
  readonly connectionErrors: string[] = [];

  blobAcknowledged(repository: string, blob: Blob): void {
    this.blobs.set(`${repository}@${blob.digest}`, { repository, digest: blob.digest, size: blob.data.length });
  }

  manifestAcknowledged(repository: string, tag: string, digest: string): void {
    this.manifests.set(`${repository}:${tag}`, { repository, tag, digest });
  }

  opened(upload: Omit<OpenUpload, 'acknowledged' | 'completed'>): OpenUpload {
    const record = { ...upload, acknowledged: 0, completed: false };
    this.uploads.push(record);
    return record;
  }

  unfinished(): OpenUpload[] {
    return this.uploads.filter((u) => !u.completed);
  }
}
