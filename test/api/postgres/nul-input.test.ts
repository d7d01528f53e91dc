/**
 * Valid requests carrying U+0000 (a JSON string's \u0000, a percent-encoded %00) answer the same
 * on SQLite and PostgreSQL — values stored come back byte-exact, bounds and filters page and match
 * alike, invalid ones are refused with the protocol's error — and never with a 500. PostgreSQL's
 * TEXT cannot hold the character (src/metadata/postgres/nul-text.ts).
 */
import * as ecr from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import type { BerthConfigInput } from '../../../src/config/schema.js';
import { withPostgres } from '../../engines/engines.js';
import { OCI_MANIFEST } from '../../support/media-types.js';
import { postgresMetadataConfig } from '../../support/postgres.js';
import { startEcrBerth } from '../ecr/operations/harness.js';
import { startRegistry } from '../oci/harness/registry.js';
import { imageManifest } from '../oci/helpers.js';
import { OciClient } from '../oci/harness/oci-client.js';

const N = 'x\u0000y';
const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: `s${N}`, Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage'] }] });
const lifecycle = JSON.stringify({
  rules: [{ rulePriority: 1, description: `d${N}`, selection: { tagStatus: 'tagged', tagPatternList: [`p${N}*`], countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }],
});

/** What each /v2 request answered: status, and the body or the first error code. */
async function v2Outcomes(config: BerthConfigInput): Promise<Record<string, string>> {
  const registry = await startRegistry(config);
  try {
    const c = new OciClient(() => registry.http, 'p/q');
    const subject = await imageManifest(c);
    await c.pushManifest('v1', subject.content, OCI_MANIFEST);
    const referrer = await imageManifest(c, {
      extra: {
        artifactType: 'application/x-test',
        subject: { mediaType: OCI_MANIFEST, digest: subject.digest, size: subject.content.length },
        annotations: { [`k${N}`]: `v${N}` },
      },
    });
    const out: Record<string, string> = {};
    const put = await c.pushManifest(referrer.digest, referrer.content, OCI_MANIFEST);
    out['put referrer'] = String(put.status);
    // The OCI image spec: artifactType is an RFC 6838 media type, which holds no control character.
    const badType = await imageManifest(c, { extra: { artifactType: `application/x${N}` } });
    const refused = await c.pushManifest(badType.digest, badType.content, OCI_MANIFEST);
    out['put bad artifactType'] = `${refused.status} ${(JSON.parse(refused.body.toString()) as { errors: { code: string }[] }).errors[0]!.code}`;
    const get = await registry.http.send('GET', `/v2/p/q/manifests/${referrer.digest}`, { headers: { accept: OCI_MANIFEST } });
    out['get referrer'] = `${get.status} ${get.body.equals(referrer.content) ? 'byte-exact' : 'changed'}`;
    const paths = [
      `/v2/p/q/referrers/${subject.digest}`,
      `/v2/p/q/referrers/${subject.digest}?artifactType=application/x-test`,
      `/v2/p/q/referrers/${subject.digest}?artifactType=application/x-test%00y`,
      '/v2/p/q/tags/list?last=a%00b',
      '/v2/p/q/tags/list?last=v1%00',
      '/v2/_catalog?last=p%00',
      '/v2/_catalog?last=p/q%00',
      '/v2/p/q/manifests/v%001',
    ];
    for (const path of paths) {
      const r = await registry.http.send('GET', path);
      // Layers are random bytes: digests differ from run to run.
      out[path.replace(subject.digest, '<subject>')] = `${r.status} ${r.body.toString().replaceAll(referrer.digest, '<referrer>')}`;
    }
    return out;
  } finally {
    await registry.stop();
  }
}

/** What each ECR call answered: its output (without metadata), or the exception name. */
async function ecrOutcomes(config: BerthConfigInput): Promise<Record<string, string>> {
  const berth = await startEcrBerth({ config });
  try {
    const out: Record<string, string> = {};
    const call = async (name: string, command: object) => {
      try {
        const { $metadata: _m, ...rest } = (await berth.ecr.send(command as never)) as { $metadata: unknown };
        out[name] = JSON.stringify(rest, (key, value: unknown) => (/At$|Uri$/.test(key) ? '<varies>' : value));
      } catch (err) {
        out[name] = (err as Error).name;
      }
    };
    await call('create', new ecr.CreateRepositoryCommand({ repositoryName: 'a/b', encryptionConfiguration: { encryptionType: 'KMS', kmsKey: `key${N}` } }));
    await call('describe', new ecr.DescribeRepositoriesCommand({ repositoryNames: ['a/b'] }));
    const arn = `arn:aws:ecr:eu-west-1:111122223333:repository/a/b`;
    await call('tag bad arn', new ecr.TagResourceCommand({ resourceArn: `${arn}${N}`, tags: [{ Key: 'k', Value: 'v' }] }));
    await call('tag bad key', new ecr.TagResourceCommand({ resourceArn: arn, tags: [{ Key: N, Value: N }] }));
    await call('set policy', new ecr.SetRepositoryPolicyCommand({ repositoryName: 'a/b', policyText: policy }));
    await call('get policy', new ecr.GetRepositoryPolicyCommand({ repositoryName: 'a/b' }));
    await call('put lifecycle', new ecr.PutLifecyclePolicyCommand({ repositoryName: 'a/b', lifecyclePolicyText: lifecycle }));
    await call('get lifecycle', new ecr.GetLifecyclePolicyCommand({ repositoryName: 'a/b' }));
    await call('preview', new ecr.StartLifecyclePolicyPreviewCommand({ repositoryName: 'a/b', lifecyclePolicyText: lifecycle }));
    await call('put image tag', new ecr.PutImageCommand({ repositoryName: 'a/b', imageManifest: '{"schemaVersion":2}', imageTag: N }));
    await call('referrers filter', new ecr.ListImageReferrersCommand({
      repositoryName: 'a/b',
      subjectId: { imageDigest: `sha256:${'0'.repeat(64)}` },
      filter: { artifactTypes: [N] },
    } as never));
    await berth.app.audit.flush();
    const audited = await berth.app.store.audit.list({ limit: 100 });
    out['audit'] = JSON.stringify(audited.map(({ actor, action, resource, outcome, detail }) => ({ actor, action, resource, outcome, detail })));
    return out;
  } finally {
    await berth.close();
  }
}

withPostgres(({ url: server }) => {
  describe('requests carrying U+0000', () => {
    it('/v2 answers the same on SQLite and PostgreSQL', async () => {
      const sqlite = await v2Outcomes({});
      const postgres = await v2Outcomes(await postgresMetadataConfig(server));
      expect(postgres).toEqual(sqlite);
      expect(postgres['get referrer']).toBe('200 byte-exact');
      const index = JSON.parse(postgres['/v2/p/q/referrers/<subject>']!.slice(4)) as { manifests: { artifactType: string; annotations: object }[] };
      expect(index.manifests.map((m) => [m.artifactType, m.annotations])).toEqual([['application/x-test', { [`k${N}`]: `v${N}` }]]);
      expect(postgres['put bad artifactType']).toBe('400 MANIFEST_INVALID');
      expect(postgres['/v2/p/q/referrers/<subject>?artifactType=application/x-test']).toBe(postgres['/v2/p/q/referrers/<subject>']);
      expect(postgres['/v2/p/q/referrers/<subject>?artifactType=application/x-test%00y']).toMatch(/^200 .*"manifests":\[\]/);
      expect(postgres['/v2/p/q/tags/list?last=a%00b']).toBe('200 {"name":"p/q","tags":["v1"]}');
      expect(postgres['/v2/p/q/tags/list?last=v1%00']).toBe('200 {"name":"p/q","tags":[]}');
      expect(postgres['/v2/_catalog?last=p%00']).toBe('200 {"repositories":["p/q"]}');
      expect(postgres['/v2/_catalog?last=p/q%00']).toBe('200 {"repositories":[]}');
      for (const answer of Object.values(postgres)) expect(answer).not.toMatch(/^5/);
    });

    it('ECR answers the same on SQLite and PostgreSQL', async () => {
      const sqlite = await ecrOutcomes({});
      const postgres = await ecrOutcomes(await postgresMetadataConfig(server));
      expect(postgres).toEqual(sqlite);
      expect(JSON.parse(postgres['describe']!).repositories[0].encryptionConfiguration).toEqual({ encryptionType: 'KMS', kmsKey: `key${N}` });
      expect(postgres['tag bad arn']).toBe('InvalidParameterException');
      expect(postgres['tag bad key']).toBe('InvalidTagParameterException');
      expect(JSON.parse(postgres['get policy']!).policyText).toBe(policy);
      expect(JSON.parse(postgres['get lifecycle']!).lifecyclePolicyText).toBe(lifecycle);
      expect(JSON.parse(postgres['preview']!).lifecyclePolicyText).toBe(lifecycle);
      expect(postgres['put image tag']).toBe('InvalidParameterException');
      expect(postgres['referrers filter']).toBe('{"referrers":[]}');
      for (const answer of Object.values(postgres)) expect(answer).not.toMatch(/ServerException|InternalServerError/);
    });
  });
});
