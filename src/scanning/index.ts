/**
 * Berth's vulnerability-scanning core: inventory an image from its layers, store the inventory as
 * a CycloneDX SBOM, keep an OSV vulnerability database, and match the two. No HTTP and no registry
 * wiring here; those call into this module.
 *
 *   const inventory = await scanLayers(layers, { limits, log });          // read layers once
 *   const sbom = inventoryToCycloneDx(inventory, { imageDigest });         // store per image
 *   const findings = await matchInventory(inventoryFromCycloneDx(sbom), store); // re-match any time
 */
export type { CvssScore, Finding, Inventory, InventoryPackage, OsInfo, PackageLocation, PackageType, Severity } from './types.js';
export { ScanFailedError, isScanFailed, VulnDbImportError, SCAN_FAILED, VULNDB_IMPORT_FAILED, type ScanFailureReason } from './errors.js';

export { scanLayers, type LayerSource, type ScanLayersOptions } from './inventory/scan-layers.js';
export { DEFAULT_SCAN_LIMITS, type ScanLimits } from './layers/limits.js';

export { inventoryToCycloneDx, inventoryFromCycloneDx, type CycloneDxBom, type SbomOptions } from './sbom/cyclonedx.js';
export { purlFor, parsePurl } from './sbom/purl.js';

export { matchInventory, type MatchOptions } from './match/matcher.js';

export type { VulnDbStore, VulnDbStatus, SourceStatus, PackageKey, ImportOutcome } from '../metadata/vulndb-store.js';
export { importVulnDb, vulnDbStatus, type ImportSummary, type ImportVulnDbOptions } from './vulndb/import.js';

export type { OsvRecord, OsvAffected, OsvRange } from '../domain/osv.js';
export { matchAffected } from './osv/range.js';
export { resolveSeverity, severityFromScore } from './osv/severity.js';
export { comparatorForEcosystem, type VersionComparator } from './versions/index.js';
