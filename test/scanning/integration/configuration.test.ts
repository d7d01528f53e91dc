/**
 * Registry and repository scanning configuration: ECR's defaults, wildcard filters, which setting
 * wins, the checks on PutRegistryScanningConfiguration, and that scan on push follows the
 * effective configuration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchGetRepositoryScanningConfigurationCommand,
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetRegistryScanningConfigurationCommand,
  PutImageScanningConfigurationCommand,
  PutRegistryScanningConfigurationCommand,
  RepositoryNotFoundException,
  ScanNotFoundException,
  ValidationException,
} from '@aws-sdk/client-ecr';
import { type Berth, rejection, startBerth } from './harness.js';
import { V2, debianImage } from './images.js';
import { importDb, settledScan } from './scans.js';

let berth: Berth;
beforeAll(async () => {
  berth = await startBerth();
  await importDb(berth, 'vulndb/debian-bookworm/osv');
  for (const [name, scanOnPush] of [['prod', false], ['repo-prod', false], ['prod-repo', false], ['dev', false], ['legacy', true]] as const) {
    await berth.ecr.send(new CreateRepositoryCommand({ repositoryName: name, imageScanningConfiguration: { scanOnPush } }));
  }
});
afterAll(() => berth?.close());

type Effective = [frequency: string | undefined, scanOnPush: boolean | undefined, filters: (string | undefined)[] | undefined];
const effective = async (names: string[]): Promise<Record<string, Effective>> => {
  const out = await berth.ecr.send(new BatchGetRepositoryScanningConfigurationCommand({ repositoryNames: names }));
  return Object.fromEntries(
    (out.scanningConfigurations ?? []).map((c): [string, Effective] => [c.repositoryName!, [c.scanFrequency, c.scanOnPush, c.appliedScanFilters?.map((f) => f.filter)]]),
  );
};

describe('scanning configuration', () => {
  it('defaults to BASIC with no rules, each repository by its own flag', async () => {
    expect(await berth.ecr.send(new GetRegistryScanningConfigurationCommand({}))).toMatchObject({
      registryId: '111122223333',
      scanningConfiguration: { scanType: 'BASIC', rules: [] },
    });
    expect(await effective(['dev', 'legacy'])).toEqual({ dev: ['MANUAL', false, []], legacy: ['SCAN_ON_PUSH', true, []] });
  });

  it('PutImageScanningConfiguration sets the repository flag', async () => {
    const out = await berth.ecr.send(new PutImageScanningConfigurationCommand({ repositoryName: 'dev', imageScanningConfiguration: { scanOnPush: true } }));
    expect(out).toMatchObject({ registryId: '111122223333', repositoryName: 'dev', imageScanningConfiguration: { scanOnPush: true } });
    const { repositories } = await berth.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['dev'] }));
    expect(repositories?.[0]?.imageScanningConfiguration).toEqual({ scanOnPush: true });
    await berth.ecr.send(new PutImageScanningConfigurationCommand({ repositoryName: 'dev', imageScanningConfiguration: { scanOnPush: false } }));
    expect(await rejection(berth.ecr.send(new PutImageScanningConfigurationCommand({ repositoryName: 'nope', imageScanningConfiguration: { scanOnPush: true } })))).toBeInstanceOf(
      RepositoryNotFoundException,
    );
  });

  it('matches WILDCARD filters as ECR documents them', async () => {
    const put = async (filter: string) => {
      await berth.ecr.send(new PutRegistryScanningConfigurationCommand({ scanType: 'BASIC', rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter, filterType: 'WILDCARD' }] }] }));
      const got = await effective(['prod', 'repo-prod', 'prod-repo', 'dev']);
      return Object.entries(got).filter(([, [frequency]]) => frequency === 'SCAN_ON_PUSH').map(([name]) => name).sort();
    };
    expect(await put('prod')).toEqual(['prod', 'prod-repo', 'repo-prod']);
    expect(await put('*prod')).toEqual(['prod', 'repo-prod']);
    expect(await put('prod*')).toEqual(['prod', 'prod-repo']);
    expect(await put('prod*repo')).toEqual(['prod-repo']);
  });

  it('reports missing repositories as failures', async () => {
    const out = await berth.ecr.send(new BatchGetRepositoryScanningConfigurationCommand({ repositoryNames: ['prod', 'missing'] }));
    expect(out.scanningConfigurations?.map((c) => c.repositoryName)).toEqual(['prod']);
    expect(out.scanningConfigurations?.[0]?.repositoryArn).toBe('arn:aws:ecr:eu-west-1:111122223333:repository/prod');
    expect(out.failures).toEqual([{ repositoryName: 'missing', failureCode: 'REPOSITORY_NOT_FOUND', failureReason: 'REPOSITORY_NOT_FOUND' }]);
  });

  it('under BASIC a repository flag still scans on push; under ENHANCED only the registry rules count', async () => {
    await berth.ecr.send(new PutRegistryScanningConfigurationCommand({ scanType: 'BASIC', rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'prod', filterType: 'WILDCARD' }] }] }));
    expect(await effective(['legacy', 'dev'])).toEqual({ legacy: ['SCAN_ON_PUSH', true, []], dev: ['MANUAL', false, []] });
    await berth.ecr.send(new PutRegistryScanningConfigurationCommand({ scanType: 'ENHANCED', rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'prod', filterType: 'WILDCARD' }] }] }));
    expect(await effective(['legacy', 'prod'])).toEqual({ legacy: ['MANUAL', false, []], prod: ['SCAN_ON_PUSH', true, ['prod']] });
  });

  it('rejects frequencies the scan type does not support, and a frequency twice', async () => {
    const continuousBasic = await rejection(
      berth.ecr.send(new PutRegistryScanningConfigurationCommand({ scanType: 'BASIC', rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: '*', filterType: 'WILDCARD' }] }] })),
    );
    expect(continuousBasic).toBeInstanceOf(ValidationException);
    const twice = await rejection(
      berth.ecr.send(
        new PutRegistryScanningConfigurationCommand({
          scanType: 'ENHANCED',
          rules: [
            { scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'a', filterType: 'WILDCARD' }] },
            { scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'b', filterType: 'WILDCARD' }] },
          ],
        }),
      ),
    );
    expect(twice).toBeInstanceOf(ValidationException);
    // The configuration in force is unchanged by refused requests.
    expect((await berth.ecr.send(new GetRegistryScanningConfigurationCommand({}))).scanningConfiguration?.scanType).toBe('ENHANCED');
  });

  it('scans on push exactly the repositories the configuration selects', async () => {
    await berth.ecr.send(new PutRegistryScanningConfigurationCommand({ scanType: 'BASIC', rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: '*-repo', filterType: 'WILDCARD' }] }] }));
    const v2 = new V2(berth.url);
    const image = await debianImage('minbase-patched');
    for (const name of ['prod-repo', 'legacy', 'dev']) await v2.pushImage(name, 'v1', image);
    expect((await settledScan(berth.ecr, 'prod-repo', { imageTag: 'v1' })).imageScanStatus?.status).toBe('COMPLETE');
    expect((await settledScan(berth.ecr, 'legacy', { imageTag: 'v1' })).imageScanStatus?.status).toBe('COMPLETE');
    // dev is MANUAL: give the outbox time to deliver the push, then it still has no scan.
    await berth.app.events.drain();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await rejection(berth.ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'dev', imageId: { imageTag: 'v1' } })))).toBeInstanceOf(ScanNotFoundException);
    const { imageDetails } = await berth.ecr.send(new DescribeImagesCommand({ repositoryName: 'dev' }));
    expect(imageDetails?.[0]?.imageScanStatus).toBeUndefined();
    expect(imageDetails?.[0]?.imageScanFindingsSummary).toBeUndefined();
  });
});
