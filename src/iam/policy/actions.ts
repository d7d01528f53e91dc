/**
 * The ECR action catalogue and the action(s) each request needs.
 *
 * API actions are "ecr:" + every operation of the ECR API model
 * (shared/reference/ecr/service-2.json, 2015-09-21); permission-only actions exist in IAM but have
 * no API operation of their own.
 */
export const ECR_OPERATIONS = [
  'BatchCheckLayerAvailability', 'BatchDeleteImage', 'BatchGetImage', 'BatchGetRepositoryScanningConfiguration',
  'CompleteLayerUpload', 'CreatePullThroughCacheRule', 'CreateRepository', 'CreateRepositoryCreationTemplate',
  'DeleteLifecyclePolicy', 'DeletePullThroughCacheRule', 'DeleteRegistryPolicy', 'DeleteRepository',
  'DeleteRepositoryCreationTemplate', 'DeleteRepositoryPolicy', 'DeleteSigningConfiguration',
  'DeregisterPullTimeUpdateExclusion', 'DescribeImageReplicationStatus', 'DescribeImageScanFindings',
  'DescribeImageSigningStatus', 'DescribeImages', 'DescribePullThroughCacheRules', 'DescribeRegistry',
  'DescribeRepositories', 'DescribeRepositoryCreationTemplates', 'GetAccountSetting', 'GetAuthorizationToken',
  'GetDownloadUrlForLayer', 'GetLifecyclePolicy', 'GetLifecyclePolicyPreview', 'GetRegistryPolicy',
  'GetRegistryScanningConfiguration', 'GetRepositoryPolicy', 'GetSigningConfiguration', 'InitiateLayerUpload',
  'ListImageReferrers', 'ListImages', 'ListPullTimeUpdateExclusions', 'ListTagsForResource', 'PutAccountSetting',
  'PutImage', 'PutImageScanningConfiguration', 'PutImageTagMutability', 'PutLifecyclePolicy', 'PutRegistryPolicy',
  'PutRegistryScanningConfiguration', 'PutReplicationConfiguration', 'PutSigningConfiguration',
  'RegisterPullTimeUpdateExclusion', 'SetRepositoryPolicy', 'StartImageScan', 'StartLifecyclePolicyPreview',
  'TagResource', 'UntagResource', 'UpdateImageStorageClass', 'UpdatePullThroughCacheRule',
  'UpdateRepositoryCreationTemplate', 'UploadLayerPart', 'ValidatePullThroughCacheRule',
] as const;

export type EcrOperation = (typeof ECR_OPERATIONS)[number];

/** Checked against the registry policy (also in V1 scope): replication and pull-through cache. */
const PERMISSION_ONLY_ACTIONS = ['ecr:ReplicateImage', 'ecr:BatchImportUpstreamImage'] as const;

export const ECR_ACTIONS: readonly string[] = [...ECR_OPERATIONS.map((op) => `ecr:${op}`), ...PERMISSION_ONLY_ACTIONS];

const ACTIONS_LOWER = new Map(ECR_ACTIONS.map((a) => [a.toLowerCase(), a]));

/** The catalogue spelling of an ECR action (IAM action names are case-insensitive). */
export function canonicalEcrAction(action: string): string | undefined {
  return ACTIONS_LOWER.get(action.toLowerCase());
}

/**
 * Operations that act on the registry rather than one repository: IAM lists no resource type for
 * them, so they are authorized against resource "*" in the caller's registry.
 */
const REGISTRY_LEVEL = new Set<EcrOperation>([
  'GetAuthorizationToken', 'DescribeRegistry', 'GetRegistryPolicy', 'PutRegistryPolicy', 'DeleteRegistryPolicy',
  'GetRegistryScanningConfiguration', 'PutRegistryScanningConfiguration', 'PutReplicationConfiguration',
  'CreatePullThroughCacheRule', 'DeletePullThroughCacheRule', 'DescribePullThroughCacheRules',
  'UpdatePullThroughCacheRule', 'ValidatePullThroughCacheRule', 'CreateRepositoryCreationTemplate',
  'DeleteRepositoryCreationTemplate', 'DescribeRepositoryCreationTemplates', 'UpdateRepositoryCreationTemplate',
  'GetAccountSetting', 'PutAccountSetting', 'GetSigningConfiguration', 'PutSigningConfiguration',
  'DeleteSigningConfiguration', 'RegisterPullTimeUpdateExclusion', 'DeregisterPullTimeUpdateExclusion',
  'ListPullTimeUpdateExclusions',
]);

export interface OperationAuthorization {
  actions: string[];
  /** "repository": authorize against the repository's ARN; "registry": against "*". */
  resource: 'repository' | 'registry';
}

export function authorizationForOperation(operation: EcrOperation): OperationAuthorization {
  // ECR documents that ListImageReferrers is authorized by ecr:BatchGetImage.
  const actions = operation === 'ListImageReferrers' ? ['ecr:BatchGetImage'] : [`ecr:${operation}`];
  return { actions, resource: REGISTRY_LEVEL.has(operation) ? 'registry' : 'repository' };
}

/** The kinds of /v2 route the OCI adapter distinguishes. */
export type V2RouteKind = 'base' | 'catalog' | 'tags' | 'manifest' | 'blob' | 'upload' | 'referrers';

export interface V2Authorization {
  /** Actions needed on the repository named in the path (empty: authentication alone suffices). */
  actions: string[];
  /** For a cross-repository mount (POST ...?mount=&from=): actions needed on the source repository. */
  sourceActions?: string[];
}

/**
 * ECR's mapping of the distribution API to IAM actions: pulls need ecr:BatchGetImage (manifests,
 * referrers) and ecr:GetDownloadUrlForLayer (blobs); pushes need ecr:BatchCheckLayerAvailability
 * (blob HEAD), the three layer-upload actions and ecr:PutImage. Blob mounts also need
 * ecr:GetDownloadUrlForLayer on the source repository (ECR's blob-mounting docs). Returns undefined
 * for method/route pairs the API does not have (the adapter answers 405/404 before authorizing).
 */
export function authorizationForV2(
  method: string,
  kind: V2RouteKind,
  opts: { mount?: boolean; monolithic?: boolean; withData?: boolean } = {},
): V2Authorization | undefined {
  const m = method.toUpperCase();
  const read = m === 'GET' || m === 'HEAD';
  switch (kind) {
    case 'base':
      return read ? { actions: [] } : undefined;
    case 'catalog':
      return read ? { actions: ['ecr:DescribeRepositories'] } : undefined;
    case 'tags':
      return read ? { actions: ['ecr:ListImages'] } : undefined;
    case 'referrers':
      return read ? { actions: ['ecr:BatchGetImage'] } : undefined;
    case 'manifest':
      if (read) return { actions: ['ecr:BatchGetImage'] };
      if (m === 'PUT') return { actions: ['ecr:PutImage'] };
      if (m === 'DELETE') return { actions: ['ecr:BatchDeleteImage'] };
      return undefined;
    case 'blob':
      if (m === 'GET') return { actions: ['ecr:GetDownloadUrlForLayer'] };
      if (m === 'HEAD') return { actions: ['ecr:BatchCheckLayerAvailability'] };
      return undefined;
    case 'upload':
      if (m === 'POST') {
        if (opts.mount) return { actions: ['ecr:InitiateLayerUpload'], sourceActions: ['ecr:GetDownloadUrlForLayer'] };
        if (opts.monolithic) return { actions: ['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'] };
        return { actions: ['ecr:InitiateLayerUpload'] };
      }
      // Status (GET) and cancel (DELETE) belong to an upload in progress, like its PATCHes.
      if (m === 'PATCH' || m === 'GET' || m === 'DELETE') return { actions: ['ecr:UploadLayerPart'] };
      if (m === 'PUT') {
        // A closing PUT may carry the last chunk.
        return { actions: opts.withData ? ['ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'] : ['ecr:CompleteLayerUpload'] };
      }
      return undefined;
  }
}
