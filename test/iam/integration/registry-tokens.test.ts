/**
 * docker login against /v2: GetAuthorizationToken's password as Basic AWS:<token>, the 401
 * challenge that makes docker send it, and the ways a token stops working.
 */
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { encodeAuthorizationToken, issueRegistryToken } from '../../../src/iam/crypto/index.js';
import { ACCOUNT_A, ACCOUNT_B, ALLOW_ALL_ECR, READ_ONLY, ROOT_KEY, useBerth } from './harness.js';
import { pushImage } from './images.js';

const berth = useBerth();

describe('GetAuthorizationToken', () => {
  it('answers base64("AWS:" + token), 12 hours ahead, with the registry URL', async () => {
    const client = berth().ecr(ROOT_KEY);
    const before = Date.now();
    const out = await client.send(new GetAuthorizationTokenCommand({}));
    client.destroy();
    expect(out.authorizationData).toHaveLength(1);
    const data = out.authorizationData![0]!;
    const decoded = Buffer.from(data.authorizationToken!, 'base64').toString('utf8');
    expect(decoded.startsWith('AWS:')).toBe(true);
    expect(decoded).not.toContain(ROOT_KEY.secretAccessKey);
    const hours = (data.expiresAt!.getTime() - before) / 3600_000;
    expect(hours).toBeGreaterThan(11.99);
    expect(hours).toBeLessThanOrEqual(12.01);
    expect(data.proxyEndpoint).toBe(`http://127.0.0.1:${berth().port}`);
  });

  it('answers one entry per (deprecated) registryIds value', async () => {
    const client = berth().ecr(ROOT_KEY);
    const out = await client.send(new GetAuthorizationTokenCommand({ registryIds: [ACCOUNT_A, ACCOUNT_B] }));
    client.destroy();
    expect(out.authorizationData?.map((d) => d.proxyEndpoint)).toEqual([
      `http://127.0.0.1:${berth().port}`,
      `http://${ACCOUNT_B}.127.0.0.1:${berth().port}`,
    ]);
  });

  it('is refused to a user without ecr:GetAuthorizationToken', async () => {
    const user = await berth().user(ACCOUNT_A, 'no-token', {
      p: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:BatchGetImage', Resource: '*' }] },
    });
    const client = berth().ecr(user);
    const err = await client.send(new GetAuthorizationTokenCommand({})).catch((e: Error) => e);
    client.destroy();
    expect((err as Error).name).toBe('AccessDeniedException');
    expect((err as Error).message).toBe(
      `User: ${user.arn} is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action`,
    );
  });
});

describe('/v2 with registry tokens', () => {
  it('challenges an anonymous GET /v2/ the way ECR does, and accepts the token', async () => {
    const anonymous = await berth().v2('GET', '/v2/');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe(`Basic realm="http://127.0.0.1:${berth().port}/",service="ecr.amazonaws.com"`);
    expect(anonymous.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });

    const auth = await berth().login(ROOT_KEY);
    const ok = await berth().v2('GET', '/v2/', { auth });
    expect(ok.status).toBe(200);
  });

  it('refuses a tampered token, another user name and an expired token with 401', async () => {
    const auth = await berth().login(ROOT_KEY);
    const token = Buffer.from(auth.slice('Basic '.length), 'base64').toString('utf8').slice('AWS:'.length);
    // Its last two characters changed (to yy when they already are xx: the change must be real).
    const tampered = `Basic ${encodeAuthorizationToken(`${token.slice(0, -2)}${token.endsWith('xx') ? 'yy' : 'xx'}`)}`;
    const wrongUser = `Basic ${Buffer.from(`admin:${token}`).toString('base64')}`;
    const expired = issueRegistryToken(berth().app.iam.keyring, ROOT_KEY.accessKeyId, { now: new Date(Date.now() - 13 * 3600_000) });
    for (const bad of [tampered, wrongUser, `Basic ${encodeAuthorizationToken(expired.token)}`]) {
      const res = await berth().v2('GET', '/v2/', { auth: bad });
      expect(res.status, bad).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    }
    const res = await berth().v2('GET', '/v2/', { auth: `Basic ${encodeAuthorizationToken(expired.token)}` });
    expect(res.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED', message: 'Your authorization token has expired. Reauthenticate and try again.' }] });
  });

  it("stops a token at once when its key is deleted or deactivated, and applies the owner's current policies", async () => {
    const user = await berth().user(ACCOUNT_A, 'rotating', { all: ALLOW_ALL_ECR });
    const auth = await berth().login(user);
    const image = await pushImage(berth(), auth, 'tokens/app');
    expect((await berth().v2('GET', `/v2/tokens/app/manifests/${image.tag}`, { auth })).status).toBe(200);

    // Policy changes apply to the next request, not at the next login.
    await berth().app.iam.identities.putUserPolicy(ACCOUNT_A, 'rotating', 'all', JSON.stringify({ ...READ_ONLY, Statement: [{ Effect: 'Deny', Action: 'ecr:*', Resource: '*' }] }));
    expect((await berth().v2('GET', `/v2/tokens/app/manifests/${image.tag}`, { auth })).status).toBe(403);
    await berth().app.iam.identities.putUserPolicy(ACCOUNT_A, 'rotating', 'all', JSON.stringify(ALLOW_ALL_ECR));
    expect((await berth().v2('GET', `/v2/tokens/app/manifests/${image.tag}`, { auth })).status).toBe(200);

    await berth().app.iam.identities.setAccessKeyStatus(user.accessKeyId, 'Inactive');
    expect((await berth().v2('GET', `/v2/tokens/app/manifests/${image.tag}`, { auth })).status).toBe(401);
    await berth().app.iam.identities.setAccessKeyStatus(user.accessKeyId, 'Active');
    expect((await berth().v2('GET', `/v2/tokens/app/manifests/${image.tag}`, { auth })).status).toBe(200);

    await berth().app.iam.identities.deleteAccessKey(user.accessKeyId);
    const after = await berth().v2('GET', `/v2/tokens/app/manifests/${image.tag}`, { auth });
    expect(after.status).toBe(401);
    expect(after.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
  });

  it('selects the account from a Host starting with a 12-digit label, else the caller’s own', async () => {
    const rootB = await berth().rootOf(ACCOUNT_B);
    const authB = await berth().login(rootB);
    await pushImage(berth(), authB, 'hosted/app');
    // Account B's root pushed into its own registry through the plain host...
    expect((await berth().app.store.registry.getRepository(ACCOUNT_B, 'hosted/app'))?.accountId).toBe(ACCOUNT_B);
    expect(await berth().app.store.registry.getRepository(ACCOUNT_A, 'hosted/app')).toBeUndefined();
    // ...and account A's root reaches it only by naming B, where it has no permission.
    const authA = await berth().login(ROOT_KEY);
    const host = `${ACCOUNT_B}.dkr.ecr.${'eu-west-1'}.registry.test`;
    expect((await berth().v2('GET', '/v2/hosted/app/tags/list', { auth: authA })).status).toBe(404);
    expect((await berth().v2('GET', '/v2/hosted/app/tags/list', { auth: authA, host })).status).toBe(403);
    expect((await berth().v2('GET', '/v2/hosted/app/tags/list', { auth: authB, host })).status).toBe(200);
  });

  it('logs every refusal as an audit record without credentials', async () => {
    const user = await berth().user(ACCOUNT_A, 'audited', { ro: READ_ONLY });
    const auth = await berth().login(user);
    const res = await berth().v2('POST', '/v2/audited/app/blobs/uploads/', { auth });
    expect(res.status).toBe(403);
    const record = berth()
      .logs()
      .find((l) => l.audit === 'access-denied' && l.principal === user.arn);
    expect(record).toMatchObject({
      operation: 'v2:upload.start',
      action: 'ecr:InitiateLayerUpload',
      resource: `arn:aws:ecr:eu-west-1:${ACCOUNT_A}:repository/audited/app`,
      decision: 'ImplicitDeny',
    });
    const text = berth().logText();
    expect(text).not.toContain(user.secretAccessKey);
    expect(text).not.toContain(auth.slice('Basic '.length));
    expect(text).not.toContain(ROOT_KEY.secretAccessKey);
  });
});
