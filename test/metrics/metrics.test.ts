/**
 * GET /metrics after real traffic: pushes and pulls over /v2, ECR calls, refused calls, a GC job;
 * the values a user would graph or alert on, the label bound, and promtool's verdict on the text.
 */
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { beforeAll, describe, expect, it } from 'vitest';
import { GC_JOB } from '../../src/gc/job.js';
import { OTHER_REPOSITORIES } from '../../src/metrics/index.js';
import { ACCOUNT_A, ROOT_KEY, type TestBerth, useBerth } from '../iam/integration/harness.js';
import { type PushedImage, pushImage } from '../iam/integration/images.js';
import { requireCondition } from '../support/conditions.js';
import { type Sample, havePromtool, parseExposition, promtoolCheck, samplesOf, valueOf } from './exposition.js';

const berth = useBerth({ metrics: { topRepositories: 2, storeCacheSeconds: 0 } });

async function scrape(b: TestBerth): Promise<{ text: string; samples: Sample[] }> {
  const res = await b.v2('GET', '/metrics');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = res.body.toString();
  return { text, samples: parseExposition(text) };
}

describe('GET /metrics after traffic', () => {
  let auth: string;
  let pushed: PushedImage;
  let text: string;
  let samples: Sample[];
  const layerSizes: number[] = [];
  let refusedBodyBytes = 0;

  beforeAll(async () => {
    const b = berth();
    auth = await b.login(ROOT_KEY); // an ECR call: GetAuthorizationToken
    pushed = await pushImage(b, auth, 'team/app');
    const manifest = await b.v2('GET', `/v2/team/app/manifests/${pushed.tag}`, { auth, headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(manifest.status).toBe(200);
    const layer = await b.v2('GET', `/v2/team/app/blobs/${pushed.layerDigest}`, { auth });
    expect(layer.status).toBe(200);
    layerSizes.push(layer.body.length);
    // Refused: /v2 without credentials, ECR with a key Berth does not know.
    const refused = await b.v2('GET', `/v2/team/app/manifests/${pushed.tag}`);
    expect(refused.status).toBe(401);
    refusedBodyBytes = refused.body.length;
    const stranger = b.ecr({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'not-a-secret-Berth-knows-0123456789' });
    await expect(stranger.send(new DescribeRepositoriesCommand({}))).rejects.toThrow();
    stranger.destroy();
    ({ text, samples } = await scrape(b));
  });

  it('counts requests by API, operation and status', () => {
    const requests = (labels: Record<string, string>) => valueOf(samples, 'berth_http_requests_total', labels);
    expect(requests({ api: 'oci', operation: 'upload.start', code: '201' })).toBe(2);
    expect(requests({ api: 'oci', operation: 'manifest.put', code: '201' })).toBe(1);
    expect(requests({ api: 'oci', operation: 'manifest.get', code: '200' })).toBe(1);
    expect(requests({ api: 'oci', operation: 'blob.get', code: '200' })).toBe(1);
    expect(requests({ api: 'oci', operation: 'manifest.get', code: '401' })).toBe(1);
    expect(requests({ api: 'ecr', operation: 'GetAuthorizationToken', code: '200' })).toBe(1);
    const refusedEcr = samplesOf(samples, 'berth_http_requests_total', { api: 'ecr', operation: 'DescribeRepositories' });
    // UnrecognizedClientException, which AWS answers with 400.
    expect(refusedEcr.map((s) => [s.labels.code, s.value])).toEqual([['400', 1]]);
  });

  it('times requests in a histogram by API, operation and status class', () => {
    const labels = { api: 'oci', operation: 'manifest.get', status_class: '2xx' };
    expect(valueOf(samples, 'berth_http_request_duration_seconds_count', labels)).toBe(1);
    expect(valueOf(samples, 'berth_http_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(1);
    expect(valueOf(samples, 'berth_http_request_duration_seconds_sum', labels)).toBeGreaterThan(0);
    expect(valueOf(samples, 'berth_http_request_duration_seconds_count', { api: 'oci', operation: 'manifest.get', status_class: '4xx' })).toBe(1);
  });

  it('counts bytes in (uploads, manifests) and out (blobs, manifests)', () => {
    const manifestBytes = pushed.manifest.length;
    expect(valueOf(samples, 'berth_http_received_bytes_total', { api: 'oci', operation: 'manifest.put' })).toBe(manifestBytes);
    // The config and the layer, as uploaded.
    expect(valueOf(samples, 'berth_http_received_bytes_total', { api: 'oci', operation: 'upload.start' })).toBeGreaterThan(256);
    expect(valueOf(samples, 'berth_http_sent_bytes_total', { api: 'oci', operation: 'blob.get' })).toBe(layerSizes[0]);
    // The manifest, and the refused GET's error body.
    expect(valueOf(samples, 'berth_http_sent_bytes_total', { api: 'oci', operation: 'manifest.get' })).toBe(manifestBytes + refusedBodyBytes);
  });

  it('reports the repository\'s images and bytes from the metadata store', () => {
    const repo = { account_id: ACCOUNT_A, repository: 'team/app' };
    expect(valueOf(samples, 'berth_repository_images', repo)).toBe(1);
    const config = JSON.parse(pushed.manifest.toString()) as { config: { size: number }; layers: { size: number }[] };
    const expected = pushed.manifest.length + config.config.size + config.layers.reduce((sum, l) => sum + l.size, 0);
    expect(valueOf(samples, 'berth_repository_storage_bytes', repo)).toBe(expected);
    expect(valueOf(samples, 'berth_repositories')).toBe(1);
    expect(valueOf(samples, 'berth_blobs')).toBe(2);
    expect(valueOf(samples, 'berth_upload_sessions')).toBe(0);
    expect(valueOf(samples, 'berth_upload_requests_in_flight')).toBe(0);
  });

  it('reports the job queue for every job type this node runs, idle ones at 0', () => {
    for (const type of berth().app.jobs.registeredTypes()) {
      expect(samplesOf(samples, 'berth_jobs', { type }).map((s) => s.labels.state).sort()).toEqual(['due', 'running', 'scheduled']);
      expect(valueOf(samples, 'berth_job_oldest_due_age_seconds', { type })).toBe(0);
    }
  });

  it('includes process metrics', () => {
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('never uses a digest, tag or path as a label value', () => {
    const values = samples.flatMap((s) => Object.values(s.labels));
    expect(values.filter((v) => v.includes('sha256'))).toEqual([]);
    expect(values.filter((v) => v.includes('/v2/') || v.includes('manifests/'))).toEqual([]);
    expect(values).not.toContain(pushed.tag);
  });

  it('passes promtool check metrics', (ctx) => {
    requireCondition(ctx, havePromtool(), 'promtool (Debian package prometheus) is not installed');
    const check = promtoolCheck(text);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
  });
});

describe('outcomes and bounds', () => {
  it('counts job outcomes and GC results, delivered from the outbox', async () => {
    const { app } = berth();
    const before = (await scrape(berth())).samples;
    expect(valueOf(before, 'berth_gc_runs_total')).toBe(0);
    expect(valueOf(before, 'berth_jobs_settled_total', { type: 'gc', outcome: 'succeeded' })).toBeUndefined();

    await app.jobs.enqueue(GC_JOB, { graceSeconds: 0 });
    expect(valueOf((await scrape(berth())).samples, 'berth_jobs', { type: 'gc', state: 'due' })).toBe(1);
    await app.jobs.pollOnce();
    await app.jobs.idle();
    await app.events.drain();

    const after = (await scrape(berth())).samples;
    expect(valueOf(after, 'berth_jobs_settled_total', { type: 'gc', outcome: 'succeeded' })).toBe(1);
    expect(valueOf(after, 'berth_gc_runs_total')).toBe(1);
    expect(valueOf(after, 'berth_gc_deleted_blobs_total')).toBe(0);
    expect(valueOf(after, 'berth_jobs', { type: 'gc', state: 'due' })).toBe(0);
  });

  it('keeps request labels to a fixed set whatever the paths, targets and methods', async () => {
    const b = berth();
    const series = async () => samplesOf((await scrape(b)).samples, 'berth_http_requests_total');
    const before = await series();
    for (let i = 0; i < 20; i++) {
      await b.v2('GET', `/v2/random${i}/thing/manifests/tag${i}`);
      await b.v2('GET', `/nowhere/${i}`);
      await b.v2('DELETE', `/v2/random${i}/tags/list`);
      await b.v2('POST', '/', { headers: { 'x-amz-target': `AmazonEC2ContainerRegistry_V20150921.Made${i}Up`, 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
    }
    const after = await series();
    const added = after.filter((s) => !before.some((b) => JSON.stringify(b.labels) === JSON.stringify(s.labels)));
    // 80 requests to 80 different URLs and targets: a handful of new series, none naming them.
    expect(added.length).toBeLessThanOrEqual(4);
    expect(added.flatMap((s) => Object.values(s.labels)).filter((v) => /random|nowhere|Made\d+Up|tag\d/.test(v))).toEqual([]);
    expect(valueOf(after, 'berth_http_requests_total', { api: 'other', operation: 'unmatched', code: '404' })).toBe(20);
    expect(valueOf(after, 'berth_http_requests_total', { api: 'ecr', operation: 'POST /', code: '400' })).toBe(20);
  });

  it('itemises the largest repositories and sums the rest as __other__', async () => {
    const b = berth();
    const auth = await b.login(ROOT_KEY);
    for (const name of ['small/a', 'small/b', 'small/c']) await pushImage(b, auth, name);
    const { samples } = await scrape(b);
    const bytes = samplesOf(samples, 'berth_repository_storage_bytes');
    // topRepositories: 2, of four repositories: two by name and the other two summed.
    expect(bytes).toHaveLength(3);
    expect(bytes.filter((s) => s.labels.repository === OTHER_REPOSITORIES)).toHaveLength(1);
    const images = samplesOf(samples, 'berth_repository_images');
    expect(images.reduce((sum, s) => sum + s.value, 0)).toBe(4);
    expect(valueOf(samples, 'berth_repository_images', { repository: OTHER_REPOSITORIES })).toBe(2);
    expect(valueOf(samples, 'berth_repositories')).toBe(4);
  });
});
