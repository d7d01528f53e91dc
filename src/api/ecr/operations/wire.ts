/** Shared translation between registry records and ECR wire shapes. */
import type { RepositoryKey } from '../../../domain/reference.js';
import type { RepositoryRecord } from '../../../metadata/registry-store.js';
import type { Repository } from '../model/types.js';
import type { OperationContext } from '../operation.js';

export function repositoryKey(ctx: OperationContext, repositoryName: string): RepositoryKey {
  return { accountId: ctx.accountId, name: repositoryName };
}

/**
 * The URI `docker push` takes for a repository. With a host template that names no account (one
 * host for every account), /v2 serves the caller's own account unless the host starts with a
 * 12-digit label, so another account's repository is addressed as `<account>.<host>/<name>`.
 */
function repositoryUri(ctx: OperationContext, repositoryName: string, accountId: string): string {
  const uri = ctx.resources.repositoryUri(repositoryName, accountId);
  if (accountId === ctx.principal.accountId) return uri;
  const sharedHost = uri === ctx.resources.repositoryUri(repositoryName, ctx.principal.accountId);
  return sharedHost ? `${accountId}.${uri}` : uri;
}

export function toWireRepository(record: RepositoryRecord, ctx: OperationContext): Repository {
  const repository: Repository = {
    repositoryArn: ctx.resources.repositoryArn(record.name, record.accountId),
    registryId: record.accountId,
    repositoryName: record.name,
    repositoryUri: repositoryUri(ctx, record.name, record.accountId),
    createdAt: record.createdAt,
    imageTagMutability: record.imageTagMutability,
    imageScanningConfiguration: { scanOnPush: record.scanOnPush },
    encryptionConfiguration: { encryptionType: record.encryptionType, ...(record.kmsKey !== undefined && { kmsKey: record.kmsKey }) },
  };
  if (record.imageTagMutabilityExclusionFilters.length > 0) {
    repository.imageTagMutabilityExclusionFilters = record.imageTagMutabilityExclusionFilters;
  }
  return repository;
}
