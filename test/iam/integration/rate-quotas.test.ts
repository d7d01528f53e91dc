/**
 * The authenticated /v2 rate limits, with their defaults: ECR's API rate quotas, per account and
 * per ECR action a request maps to. A busy client pulling manifests (ecr:BatchGetImage, 2,000 per
 * second) is not throttled by an ordinary load; an account over a quota is answered 429 with
 * Retry-After, whichever of its identities calls, and other accounts are not.
 */
import { describe, expect, it } from 'vitest';
import { OCI_MANIFEST } from '../../support/media-types.js';
import { ACCOUNT_A, ACCOUNT_B, ALLOW_ALL_ECR, ROOT_KEY, type V2Response, useBerth } from './harness.js';
import { pushImage } from './images.js';

// Undefined unsets the harness's "off": the configuration's defaults apply.
const berth = useBerth({ auth: { rateLimit: { authenticated: undefined } } });

async function inParallel(total: number, connections: number, request: (i: number) => Promise<V2Response>): Promise<V2Response[]> {
  const answers: V2Response[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < total) answers.push(await request(next++));
    }),
  );
  return answers;
}

describe('authenticated rate limits', () => {
  it('let one identity pull a manifest 5,000 times over 32 connections without a 429', async () => {
    const auth = await berth().login(ROOT_KEY);
    const image = await pushImage(berth(), auth, 'quota/pulled');
    const answers = await inParallel(5000, 32, () => berth().v2('GET', `/v2/quota/pulled/manifests/${image.tag}`, { auth }));
    const statuses = new Map<number, number>();
    for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    expect(Object.fromEntries(statuses)).toEqual({ 200: 5000 });
  });

  it("answer an account over a quota with 429 and Retry-After, for all its identities, and leave other accounts alone", async () => {
    const rootAuth = await berth().login(ROOT_KEY);
    const image = await pushImage(berth(), rootAuth, 'quota/pushed');
    const userAuth = await berth().login(await berth().user(ACCOUNT_A, 'pusher', { all: ALLOW_ALL_ECR }));
    // ecr:PutImage: 10 per second, a burst of 50; 150 tag pushes at once by two identities of one account.
    const answers = await inParallel(150, 16, (i) =>
      berth().v2('PUT', `/v2/quota/pushed/manifests/t${i}`, {
        auth: i % 2 === 0 ? rootAuth : userAuth,
        body: image.manifest,
        headers: { 'content-type': OCI_MANIFEST },
      }),
    );
    const refused = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status !== 429 && a.status !== 201)).toEqual([]);
    expect(refused.length).toBeGreaterThan(0);
    expect(Number(refused[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused[0]!.json()).toMatchObject({ errors: [{ code: 'TOOMANYREQUESTS', message: expect.stringContaining('ecr:PutImage') }] });

    const otherAuth = await berth().login(await berth().rootOf(ACCOUNT_B));
    await pushImage(berth(), otherAuth, 'quota/elsewhere', 'v1', `${ACCOUNT_B}.dkr.ecr.eu-west-1.registry.test`);
  });
});
