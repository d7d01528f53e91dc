import type { OsvRecord } from '../../../domain/osv.js';

/** One input file the importer could not use, and why. */
export interface ImportProblem {
  file: string;
  message: string;
}

/**
 * What an importer hands the store: records to stream in, plus bookkeeping filled while the
 * records are consumed (so the import stays one pass over the input).
 */
export interface ImportFeed {
  format: ImportFormat;
  records: AsyncIterable<OsvRecord>;
  stats: FeedStats;
}

export interface FeedStats {
  files: number;
  withdrawn: number;
  problems: ImportProblem[];
}

export type ImportFormat = 'osv-dir' | 'osv-file' | 'osv-zip' | 'alpine-secdb' | 'debian-tracker';

/** Largest single advisory file read into memory; real OSV records are a few KB to a few hundred KB. */
export const MAX_RECORD_FILE_BYTES = 32 * 1024 * 1024;

export function newStats(): FeedStats {
  return { files: 0, withdrawn: 0, problems: [] };
}
