/**
 * Scanning configuration: PutImageScanningConfiguration (the repository's deprecated scan-on-push
 * flag), Put/GetRegistryScanningConfiguration, BatchGetRepositoryScanningConfiguration.
 */
import type { ScanningService } from '../../../scanning/service/index.js';
import type { RepositoryScanningConfiguration, RepositoryScanningConfigurationFailure } from '../model/types.js';
import { defineOperation } from '../operation.js';
import { repositoryKey } from './wire.js';

export const putImageScanningConfiguration = (scanning: ScanningService) =>
  defineOperation({
    name: 'PutImageScanningConfiguration',
    handler: async (input, ctx) => {
      const record = await scanning.putRepositoryScanOnPush(repositoryKey(ctx, input.repositoryName), input.imageScanningConfiguration.scanOnPush ?? false);
      return { registryId: record.accountId, repositoryName: record.name, imageScanningConfiguration: { scanOnPush: record.scanOnPush } };
    },
  });

export const putRegistryScanningConfiguration = (scanning: ScanningService) =>
  defineOperation({
    name: 'PutRegistryScanningConfiguration',
    handler: async (input, ctx) => {
      const config = await scanning.putRegistryConfiguration(ctx.accountId, {
        scanType: input.scanType ?? 'BASIC',
        rules: (input.rules ?? []).map((r) => ({
          scanFrequency: r.scanFrequency,
          repositoryFilters: r.repositoryFilters.map((f) => ({ filter: f.filter, filterType: f.filterType })),
        })),
      });
      ctx.log.info({ account: ctx.accountId, scanType: config.scanType, rules: config.rules.length }, 'registry scanning configuration put');
      return { registryScanningConfiguration: config };
    },
  });

export const getRegistryScanningConfiguration = (scanning: ScanningService) =>
  defineOperation({
    name: 'GetRegistryScanningConfiguration',
    handler: async (_input, ctx) => ({ registryId: ctx.accountId, scanningConfiguration: await scanning.registryConfiguration(ctx.accountId) }),
  });

export const batchGetRepositoryScanningConfiguration = (scanning: ScanningService) =>
  defineOperation({
    name: 'BatchGetRepositoryScanningConfiguration',
    handler: async (input, ctx) => {
      const { found, missing } = await scanning.repositoryConfigurations(ctx.accountId, input.repositoryNames);
      const scanningConfigurations = found.map(
        ({ repository, scanning: s }): RepositoryScanningConfiguration => ({
          repositoryArn: ctx.resources.repositoryArn(repository.name, repository.accountId),
          repositoryName: repository.name,
          scanOnPush: s.scanOnPush,
          scanFrequency: s.scanFrequency,
          appliedScanFilters: s.appliedScanFilters,
        }),
      );
      // ECR reports a missing repository as a per-repository failure, not an exception for the call.
      const failures = missing.map(
        (repositoryName): RepositoryScanningConfigurationFailure => ({ repositoryName, failureCode: 'REPOSITORY_NOT_FOUND', failureReason: 'REPOSITORY_NOT_FOUND' }),
      );
      return { scanningConfigurations, failures };
    },
  });
