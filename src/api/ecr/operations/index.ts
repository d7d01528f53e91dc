/**
 * The ECR control-plane operations Berth implements over the registry services, as one list for
 * ecrApiPlugin. Authorization is not here: the IAM module adds it as a plugin hook, and handlers
 * act on ctx.accountId (the request's registryId, else the caller's account).
 */
import type { AccountSettings } from '../../../iam/account-settings.js';
import type { ResourcePolicies } from '../../../iam/resource-policies.js';
import type { Lifecycle } from '../../../lifecycle/index.js';
import type { Registry } from '../../../registry/index.js';
import type { ScanningService } from '../../../scanning/service/index.js';
import type { AnyOperationDefinition } from '../operation.js';
import { getAccountSetting, putAccountSetting } from './account-settings.js';
import { type AuthorizationTokenOptions, getAuthorizationToken } from './auth.js';
import { batchDeleteImage, batchGetImage } from './image-batch.js';
import { describeImages, listImages, type ImageScanSummaries } from './images.js';
import { getDownloadUrlForLayer, type LayerDownloadOptions } from './layer-download.js';
import { deleteLifecyclePolicy, getLifecyclePolicy, putLifecyclePolicy } from './lifecycle-policy.js';
import { getLifecyclePolicyPreview, startLifecyclePolicyPreview } from './lifecycle-preview.js';
import { batchCheckLayerAvailability, completeLayerUpload, initiateLayerUpload, uploadLayerPart } from './layers.js';
import { policyOperations } from './policies.js';
import { putImage } from './put-image.js';
import { batchGetRepositoryScanningConfiguration, getRegistryScanningConfiguration, putImageScanningConfiguration, putRegistryScanningConfiguration } from './scanning.js';
import { describeImageScanFindings, startImageScan } from './scanning-findings.js';
import { listImageReferrers } from './referrers.js';
import { describeRegistry } from './registry.js';
import { createRepository, deleteRepository, describeRepositories, putImageTagMutability } from './repositories.js';
import { updateImageStorageClass } from './storage-class.js';
import { listTagsForResource, tagResource, untagResource } from './tags.js';

export interface RegistryOperationsOptions {
  registry: Registry;
  download: LayerDownloadOptions;
  /** Scan results for DescribeImages, once the scanning module provides them. */
  scanSummaries?: ImageScanSummaries;
}

export function registryOperations({ registry, download, scanSummaries }: RegistryOperationsOptions): AnyOperationDefinition[] {
  return [
    createRepository(registry),
    describeRepositories(registry),
    deleteRepository(registry),
    putImageTagMutability(registry),
    listImages(registry),
    describeImages(registry, scanSummaries),
    batchGetImage(registry),
    batchDeleteImage(registry),
    putImage(registry),
    batchCheckLayerAvailability(registry),
    initiateLayerUpload(registry),
    uploadLayerPart(registry),
    completeLayerUpload(registry),
    getDownloadUrlForLayer(registry, download),
    describeRegistry(),
    tagResource(registry),
    untagResource(registry),
    listTagsForResource(registry),
    listImageReferrers(registry),
  ];
}

export interface AccessOperationsOptions extends AuthorizationTokenOptions {
  policies: ResourcePolicies;
  settings: AccountSettings;
}

/** The operations over identity and access: registry tokens, repository/registry policies, account settings. */
export function accessOperations({ policies, settings, ...tokens }: AccessOperationsOptions): AnyOperationDefinition[] {
  return [getAuthorizationToken(tokens), ...policyOperations(policies), getAccountSetting(settings), putAccountSetting(settings)];
}

/** Lifecycle policies, their previews, and the archive storage class (src/lifecycle). */
export function lifecycleOperations(lifecycle: Lifecycle): AnyOperationDefinition[] {
  return [
    putLifecyclePolicy(lifecycle.policies),
    getLifecyclePolicy(lifecycle.policies),
    deleteLifecyclePolicy(lifecycle.policies),
    startLifecyclePolicyPreview(lifecycle.previews),
    getLifecyclePolicyPreview(lifecycle.previews),
    updateImageStorageClass(lifecycle.archive),
  ];
}

/** Vulnerability scanning: configuration, StartImageScan, findings (src/scanning/service). */
export function scanningOperations(scanning: ScanningService): AnyOperationDefinition[] {
  return [
    putImageScanningConfiguration(scanning),
    putRegistryScanningConfiguration(scanning),
    getRegistryScanningConfiguration(scanning),
    batchGetRepositoryScanningConfiguration(scanning),
    startImageScan(scanning),
    describeImageScanFindings(scanning),
  ];
}

export { scanSummaries } from './scanning-findings.js';
export type { ImageScanSummaries } from './images.js';
export type { LayerDownloadOptions } from './layer-download.js';
