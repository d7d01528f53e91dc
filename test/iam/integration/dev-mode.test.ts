/** auth.mode none: the explicit development switch. /v2 is open and ECR calls act as the default root. */
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../support/digest.js';
import { ACCOUNT_A, useBerth } from './harness.js';
import { buildImage } from './images.js';

const berth = useBerth({ auth: { mode: 'none' } });

describe('auth.mode none', () => {
  it('serves /v2 without credentials and unsigned ECR calls as the default account', async () => {
    expect((await berth().v2('GET', '/v2/')).status).toBe(200);
    const { config } = buildImage();
    expect((await berth().v2('POST', `/v2/dev/app/blobs/uploads/?digest=${sha256(config)}`, { body: config })).status).toBe(201);
    const res = await fetch(`${berth().url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { repositories: { repositoryName: string; registryId: string }[] };
    expect(body.repositories.map((r) => [r.registryId, r.repositoryName])).toEqual([[ACCOUNT_A, 'dev/app']]);
  });
});
