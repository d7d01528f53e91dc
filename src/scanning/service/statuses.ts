/**
 * The scan statuses and descriptions Berth reports, in ECR's words where ECR's are known:
 * - COMPLETE "The scan was completed successfully." and FAILED "UnsupportedImageError: The
 *   operating system and/or package manager are not supported." are what ECR's basic scanning
 *   answers (seen in DescribeImageScanFindings output quoted in public bug reports).
 * - ACTIVE "Continuous scan is selected for image." is enhanced scanning's status for continuously
 *   monitored images; UNSUPPORTED_IMAGE is enhanced scanning's status for what it cannot read.
 * - A layer Berth cannot read fails the scan as `ScanFailedError: <what was wrong, naming the layer>`,
 *   following ECR's `<ErrorName>: <message>` form.
 */
export const SCAN_COMPLETE = 'The scan was completed successfully.';
export const CONTINUOUS_ACTIVE = 'Continuous scan is selected for image.';
const UNSUPPORTED_BASIC = 'UnsupportedImageError: The operating system and/or package manager are not supported.';
const UNSUPPORTED_ENHANCED = 'The operating system and/or package manager are not supported.';

export function scanFailedDescription(message: string): string {
  return `ScanFailedError: ${message}`;
}

export function scanErrorDescription(message: string): string {
  return `ScanError: the scan could not be completed: ${message}`;
}

/** An image with nothing Berth can match: basic scanning calls it a failure, enhanced scanning UNSUPPORTED_IMAGE. */
export function unsupportedStatus(scanType: 'BASIC' | 'ENHANCED'): { status: 'FAILED' | 'UNSUPPORTED_IMAGE'; description: string } {
  return scanType === 'ENHANCED' ? { status: 'UNSUPPORTED_IMAGE', description: UNSUPPORTED_ENHANCED } : { status: 'FAILED', description: UNSUPPORTED_BASIC };
}
