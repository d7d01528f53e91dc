/**
 * Berth's vulnerability-scanning core: inventory an image from its layers, store the inventory as
 * a CycloneDX SBOM, keep an OSV vulnerability database, and match the two. No HTTP and no registry
 * wiring here; those call into this module. This file gathers its types; the functions are
 * imported from the files that hold them:
 *
 *   const inventory = await scanLayers(layers, { limits, log });          // inventory/scan-layers.ts
 *   const sbom = inventoryToCycloneDx(inventory, { imageDigest });         // sbom/cyclonedx.ts
 *   const findings = await matchInventory(inventoryFromCycloneDx(sbom), store); // match/matcher.ts
 */
export type { CvssScore, Finding, Inventory, InventoryPackage, OsInfo, PackageLocation, PackageType, Severity } from './types.js';
export type { ScanFailureReason } from './errors.js';

export type { LayerSource, ScanLayersOptions } from './inventory/scan-layers.js';
export type { ScanLimits } from './layers/limits.js';

export type { CycloneDxBom, SbomOptions } from './sbom/cyclonedx.js';

export type { MatchOptions } from './match/matcher.js';

export type { VulnDbStore, VulnDbStatus, SourceStatus, PackageKey, ImportOutcome } from '../metadata/vulndb-store.js';
export type { ImportSummary, ImportVulnDbOptions } from './vulndb/import.js';

export type { OsvRecord, OsvAffected, OsvRange } from '../domain/osv.js';
export type { VersionComparator } from './versions/index.js';
