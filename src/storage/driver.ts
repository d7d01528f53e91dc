import type { Readable, Writable } from 'node:stream';

/**
 * The storage-driver contract: a small key/value file system over which the blob store is built.
 * Paths are relative, "/"-separated keys (`blobs/sha256/ab/ab…`, `uploads/<id>/data`). One shared
 * conformance suite (test/storage/driver-conformance.ts) runs against every implementation.
 */
export interface StorageDriver {
  readonly name: string;
  /**
   * Several nodes use this storage at once (an object store): the blob store then also keeps in
   * storage what lets another node finish an upload without reading it back (saveUploadDigest).
   */
  readonly shared?: boolean;
  /** Small objects only; throws PathNotFound when absent. */
  getContent(path: string): Promise<Buffer>;
  /** Atomically creates or replaces a small object. */
  putContent(path: string, content: Buffer): Promise<void>;
  /**
   * A stream of the object's bytes from `offset`, `length` bytes long (to the end when omitted).
   * It may be a HandingOverReadable (src/storage/handed-over.ts), whose chunks the consumer may free.
   * With `length`, an object holding fewer than `offset + length` bytes is a ShortReadError, never
   * a stream that ends early: rejected here when the driver can tell at once, else the stream fails
   * with it where the bytes run out (a consumer that sent a Content-Length must not wait for more).
   */
  reader(path: string, range?: { offset: number; length?: number }): Promise<Readable>;
  /** A writer that creates the object, or appends to it when `append` is set. */
  writer(path: string, options?: WriterOptions): Promise<FileWriter>;
  stat(path: string): Promise<FileInfo | undefined>;
  /** Direct children of a directory-like prefix, as full paths, sorted. Empty when absent. */
  list(path: string): Promise<string[]>;
  /** Every object under a prefix, recursively, in no particular order. */
  walk(path: string): AsyncIterable<FileInfo>;
  /** Moves an object, replacing the destination; atomic where the backend allows. */
  move(source: string, destination: string): Promise<void>;
  /** Deletes an object or everything under a prefix; absent paths are not an error. */
  delete(path: string): Promise<void>;
  /** A URL the client may fetch the object from directly, when the backend supports it. */
  redirectURL?(path: string, options: { expiresInSeconds: number }): Promise<string | undefined>;
  /** Checks at start that the backend is reachable and usable, throwing an error that says what is wrong. */
  check?(): Promise<void>;
}

export interface FileInfo {
  path: string;
  size: number;
  modTime: Date;
  isDir: boolean;
}

export interface WriterOptions {
  append?: boolean;
  /**
   * The caller hands over the Buffers it writes and keeps no other use of them: once a chunk is
   * stored, the driver may free its memory (releaseBuffer), leaving the caller's Buffer empty.
   */
  handOver?: boolean;
}

export interface FileWriter {
  /** Bytes in the object so far, including data present before an append. */
  readonly size: number;
  /** Where to write bytes. Writing to it after commit/cancel/close is an error. */
  readonly stream: Writable;
  /**
   * A hint, given as bytes are written: the driver may start making what is written so far
   * durable in the background, so that commit has less left to do.
   */
  checkpoint?(): void;
  /** Flushes and makes the data durable at the path. */
  commit(): Promise<void>;
  /** Flushes and closes, keeping the data so a later writer can append. */
  close(): Promise<void>;
  /** Abandons the writer and removes the object. */
  cancel(): Promise<void>;
}

export class PathNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`path not found: ${path}`);
    this.name = 'PathNotFoundError';
  }
}

/** The object holds fewer bytes than a reader was asked for: it is truncated (or shrank while read). */
export class ShortReadError extends Error {
  constructor(
    readonly path: string,
    /** The bytes the object should hold at least (offset + length asked for). */
    readonly expected: number,
    /** The bytes it holds (when reported at open), or where reading ran out. */
    readonly actual: number,
  ) {
    super(`short read: ${path} holds ${actual} bytes, ${expected} expected`);
    this.name = 'ShortReadError';
  }
}

/** Rejects keys that could escape the driver's root or are malformed. */
export function assertValidPath(path: string): void {
  if (
    path.length === 0 ||
    path.startsWith('/') ||
    path.endsWith('/') ||
    path.includes('\0') ||
    path.includes('\\') ||
    path.split('/').some((part) => part === '' || part === '.' || part === '..')
  ) {
    throw new Error(`invalid storage path "${path}"`);
  }
}
