/** Vulnerability scanning and its database (src/scanning). */
export const SCANNING_ERRORS = {
  ScanNotFound: 'The image has not been scanned (DescribeImageScanFindings before any scan).',
  UnsupportedImageType: 'The artifact cannot be scanned (an index, or not an image).',
  ScanFailed: "A layer could not be scanned (corrupt, hostile or too large); recorded as the scan's FAILED status, never sent as an error.",
  VulnDbImportFailed: 'A vulnerability database import found nothing importable at the given path (`berth vulndb import`, never sent over HTTP).',
  SbomInvalid: "A stored SBOM is not a CycloneDX document Berth can read back (Berth's data, so a server fault).",
} as const;

export type ScanningErrorCode = keyof typeof SCANNING_ERRORS;
