import { DomainError } from '../domain/errors.js';

/**
 * Why a scan failed. A failed scan is a normal outcome (ECR reports scan status FAILED with a
 * description), so every reason maps to a specific, user-readable message instead of a crash.
 */
export type ScanFailureReason =
  | 'compression-invalid' // truncated or corrupt gzip/zstd stream
  | 'tar-invalid' // malformed tar structure
  | 'entry-hostile' // absolute path, '..' component, symlink escaping the root
  | 'limit-exceeded' // decompression bomb, too many entries, oversized headers
  | 'layer-unreadable'; // the layer's stream failed for another reason

const SCAN_FAILED = 'ScanFailed';

export class ScanFailedError extends DomainError {
  constructor(
    readonly reason: ScanFailureReason,
    message: string,
    detail: Record<string, unknown> = {},
  ) {
    super(SCAN_FAILED, message, { reason, ...detail });
    this.name = 'ScanFailedError';
  }
}

export function isScanFailed(err: unknown): err is ScanFailedError {
  return err instanceof ScanFailedError;
}

const VULNDB_IMPORT_FAILED = 'VulnDbImportFailed';

/** The path given to an import is missing, of an unknown format, or unreadable as a whole. */
export class VulnDbImportError extends DomainError {
  constructor(message: string, detail?: Record<string, unknown>) {
    super(VULNDB_IMPORT_FAILED, message, detail);
    this.name = 'VulnDbImportError';
  }
}
