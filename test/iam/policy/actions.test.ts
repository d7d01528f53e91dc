import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ECR_ACTIONS,
  ECR_OPERATIONS,
  authorizationForOperation,
  authorizationForV2,
  canonicalEcrAction,
} from '../../../src/iam/policy/index.js';

// The ECR API model the adapter is built from (a copy of ECR's service-2.json kept in the repository).
const model = JSON.parse(readFileSync(new URL('../../../src/api/ecr/model/service-2.json', import.meta.url), 'utf8')) as {
  operations: Record<string, unknown>;
};

describe('ECR action catalogue', () => {
  it('has one action per operation of the ECR API model', () => {
    const operations = Object.keys(model.operations);
    expect([...ECR_OPERATIONS].sort()).toEqual(operations.sort());
    for (const op of operations) expect(ECR_ACTIONS).toContain(`ecr:${op}`);
    expect(ECR_ACTIONS).toContain('ecr:ReplicateImage');
  });

  it('resolves any spelling of an action', () => {
    expect(canonicalEcrAction('ECR:batchgetimage')).toBe('ecr:BatchGetImage');
    expect(canonicalEcrAction('ecr:Nope')).toBeUndefined();
  });

  it('names the action and resource scope of each operation', () => {
    expect(authorizationForOperation('BatchGetImage')).toEqual({ actions: ['ecr:BatchGetImage'], resource: 'repository' });
    expect(authorizationForOperation('GetAuthorizationToken')).toEqual({ actions: ['ecr:GetAuthorizationToken'], resource: 'registry' });
    expect(authorizationForOperation('PutRegistryPolicy').resource).toBe('registry');
    expect(authorizationForOperation('ListImageReferrers')).toEqual({ actions: ['ecr:BatchGetImage'], resource: 'repository' });
  });
});

describe('/v2 requests to ECR actions', () => {
  it.each([
    ['GET', 'base', {}, []],
    ['GET', 'catalog', {}, ['ecr:DescribeRepositories']],
    ['GET', 'tags', {}, ['ecr:ListImages']],
    ['GET', 'manifest', {}, ['ecr:BatchGetImage']],
    ['HEAD', 'manifest', {}, ['ecr:BatchGetImage']],
    ['PUT', 'manifest', {}, ['ecr:PutImage']],
    ['DELETE', 'manifest', {}, ['ecr:BatchDeleteImage']],
    ['GET', 'blob', {}, ['ecr:GetDownloadUrlForLayer']],
    ['HEAD', 'blob', {}, ['ecr:BatchCheckLayerAvailability']],
    ['GET', 'referrers', {}, ['ecr:BatchGetImage']],
    ['POST', 'upload', {}, ['ecr:InitiateLayerUpload']],
    ['POST', 'upload', { monolithic: true }, ['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload']],
    ['PATCH', 'upload', {}, ['ecr:UploadLayerPart']],
    ['PUT', 'upload', {}, ['ecr:CompleteLayerUpload']],
    ['PUT', 'upload', { withData: true }, ['ecr:UploadLayerPart', 'ecr:CompleteLayerUpload']],
  ] as const)('%s %s %j', (method, kind, opts, actions) => {
    expect(authorizationForV2(method, kind, opts)?.actions).toEqual(actions);
  });

  it('needs read access to the source of a cross-repository mount', () => {
    expect(authorizationForV2('POST', 'upload', { mount: true })).toEqual({
      actions: ['ecr:InitiateLayerUpload'],
      sourceActions: ['ecr:GetDownloadUrlForLayer'],
    });
  });

  it('has no mapping for methods the API does not have', () => {
    expect(authorizationForV2('DELETE', 'blob')).toBeUndefined();
    expect(authorizationForV2('POST', 'manifest')).toBeUndefined();
    expect(authorizationForV2('PUT', 'tags')).toBeUndefined();
  });

  it('every mapped action is in the catalogue', () => {
    for (const kind of ['base', 'catalog', 'tags', 'manifest', 'blob', 'upload', 'referrers'] as const) {
      for (const method of ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE']) {
        for (const a of authorizationForV2(method, kind, { mount: true })?.actions ?? []) expect(ECR_ACTIONS).toContain(a);
      }
    }
  });
});
