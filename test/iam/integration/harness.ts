/**
 * A whole Berth in-process on a real socket with IAM on (the default), plus what the access tests
 * need: identities made through the IAM services, SDK clients with given credentials, raw /v2
 * requests (node:http, so the Host header can name an account), and registry tokens.
 */
import { request as httpRequest } from 'node:http';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { BerthApp } from '../../../src/app.js';
import type { BerthConfigInput } from '../../../src/config/schema.js';
import { RATE_QUOTA_DEFAULTS } from '../../../src/iam/rate-quotas.js';
import { type TestServer, mergeConfig, startServer, useStarted } from '../../support/server.js';

export const REGION = 'eu-west-1';

const NO_RATE_QUOTAS = Object.fromEntries(Object.keys(RATE_QUOTA_DEFAULTS).map((action) => [action, { perSecond: 0, burst: 1 }]));
export const ACCOUNT_A = '111111111111';
export const ACCOUNT_B = '222222222222';
export const ROOT_KEY = { accessKeyId: 'AKIAROOTA00000000000', secretAccessKey: 'root-secret-of-account-a-0123456789abcdef' };

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface V2Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json<T = unknown>(): T;
}

export interface TestBerth {
  app: BerthApp;
  url: string;
  port: number;
  /** JSON lines Berth logged so far. */
  logs(): Record<string, unknown>[];
  /** Raw log text, for checking no secret ever reached it. */
  logText(): string;
  ecr(credentials: Credentials, options?: { clockOffsetMs?: number }): ECRClient;
  /** A /v2 request; `host` overrides the Host header (e.g. "222222222222.registry.test"). */
  v2(method: string, path: string, options?: { auth?: string; host?: string; body?: Buffer | string; headers?: Record<string, string> }): Promise<V2Response>;
  /** docker's Authorization header for a key: Basic base64("AWS:" + token from GetAuthorizationToken). */
  login(credentials: Credentials): Promise<string>;
  /** An account (created when missing) with a user holding the given identity policies and one key. */
  user(accountId: string, userName: string, policies?: Record<string, unknown>): Promise<Credentials & { arn: string }>;
  /** Root credentials of another account. */
  rootOf(accountId: string): Promise<Credentials>;
  /** Closes the app (and removes the data directory unless it was given). */
  close(): Promise<void>;
}

/** Starts one Berth for the test file (IAM mode, account A's root from configuration). */
export function useBerth(overrides: BerthConfigInput = {}): () => TestBerth {
  return useStarted(() => startBerth(undefined, overrides));
}

/** Starts Berth on `dataDir` (kept), or on a fresh data directory that `close` removes. */
export async function startBerth(dataDir: string | undefined, overrides: BerthConfigInput = {}): Promise<TestBerth> {
  const server = await startServer({
    dataDir,
    prefix: 'iam',
    captureLogs: true,
    config: mergeConfig(
      {
        region: REGION,
        accountId: ACCOUNT_A,
        shutdown: { graceSeconds: 1 },
        auth: {
          rootAccessKeyId: ROOT_KEY.accessKeyId,
          rootSecretAccessKey: ROOT_KEY.secretAccessKey,
          // Rate limits off (perSecond 0): the tests that are about them set their own.
          rateLimit: { anonymous: { perSecond: 0, burst: 1 }, authenticated: NO_RATE_QUOTAS },
        },
      },
      overrides,
    ),
  });
  return testBerth(server);
}

function testBerth(server: TestServer): TestBerth {
  const { app, url, port } = server;
  const berth: TestBerth = {
    app,
    url,
    port,
    logText: () => server.logs.text(),
    logs: () => server.logs.records(),
    close: () => server.close(),
    ecr: (credentials, options = {}) =>
      new ECRClient({
        endpoint: url,
        region: REGION,
        credentials,
        maxAttempts: 1,
        ...(options.clockOffsetMs !== undefined ? { systemClockOffset: options.clockOffsetMs } : {}),
      }),
    v2: (method, path, options = {}) => v2Request(port, method, path, options),
    async login(credentials) {
      const client = berth.ecr(credentials);
      try {
        const out = await client.send(new GetAuthorizationTokenCommand({}));
        return `Basic ${out.authorizationData![0]!.authorizationToken!}`;
      } finally {
        client.destroy();
      }
    },
    async user(accountId, userName, policies = {}) {
      const { identities } = app.iam;
      await identities.ensureAccount(accountId);
      const user = await identities.createUser(accountId, userName);
      for (const [name, document] of Object.entries(policies)) await identities.putUserPolicy(accountId, userName, name, JSON.stringify(document));
      const key = await identities.createAccessKey(accountId, userName);
      return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, arn: `arn:aws:iam::${accountId}:user/${user.userName}` };
    },
    async rootOf(accountId) {
      await app.iam.identities.ensureAccount(accountId);
      const existing = await app.iam.identities.listAccessKeys(accountId, undefined);
      for (const key of existing) await app.iam.identities.deleteAccessKey(key.accessKeyId);
      const key = await app.iam.identities.createAccessKey(accountId, undefined);
      return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    },
  };
  return berth;
}

function v2Request(
  port: number,
  method: string,
  path: string,
  options: { auth?: string; host?: string; body?: Buffer | string; headers?: Record<string, string> },
): Promise<V2Response> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          host: options.host ?? `127.0.0.1:${port}`,
          ...(options.auth !== undefined ? { authorization: options.auth } : {}),
          ...(body !== undefined ? { 'content-length': String(body.length) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const buffer = Buffer.concat(chunks);
          resolve({ status: res.statusCode!, headers: res.headers, body: buffer, json: () => JSON.parse(buffer.toString('utf8')) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const ALLOW_ALL_ECR = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:*', Resource: '*' }] };

export const READ_ONLY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability', 'ecr:ListImages', 'ecr:DescribeImages', 'ecr:DescribeRepositories'],
      Resource: '*',
    },
  ],
};

/** Allow everything except `actions`, which an explicit Deny refuses. */
export function allowAllBut(...actions: string[]): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'ecr:*', Resource: '*' },
      { Sid: 'NoThis', Effect: 'Deny', Action: actions, Resource: '*' },
    ],
  };
}
