/**
 * A fastify app with the ECR plugin and a few toy operations over an in-memory list, standing in
 * for the real services so the protocol adapter can be driven by real clients.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { ECRClient } from '@aws-sdk/client-ecr';
import { DomainError, repositoryAlreadyExists, repositoryNotFound } from '../../../../src/domain/errors.js';
import type { Principal } from '../../../../src/iam/principal.js';
import { SigV4Error } from '../../../../src/iam/sigv4/index.js';
import { defineOperation } from '../../../../src/api/ecr/operation.js';
import type { AnyOperationDefinition } from '../../../../src/api/ecr/operation.js';
import { ecrApiPlugin } from '../../../../src/api/ecr/plugin.js';
import type { EcrApiPluginOptions } from '../../../../src/api/ecr/plugin.js';
import type { PendingAuthentication, SignedRequestHead } from '../../../../src/iam/ports.js';
import type { Repository } from '../../../../src/api/ecr/model/types.js';
import { sha256Hex } from '../../../support/digest.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const HOST_TEMPLATE = '{accountId}.dkr.ecr.{region}.berth.test';

export interface ToyRepo {
  name: string;
  createdAt: Date;
  accountId: string;
}

/** A request the authenticate hook saw, with the body hash once authentication completed. */
export type SeenRequest = SignedRequestHead & { payloadSha256?: string };

export interface ToyApp {
  app: FastifyInstance;
  url: string;
  repos: ToyRepo[];
  authRequests: SeenRequest[];
  client: ECRClient;
  close(): Promise<void>;
}

function toWire(repo: ToyRepo, ctx: { resources: { repositoryArn(n: string, a?: string): string; repositoryUri(n: string, a?: string): string } }): Repository {
  return {
    repositoryName: repo.name,
    registryId: repo.accountId,
    repositoryArn: ctx.resources.repositoryArn(repo.name, repo.accountId),
    repositoryUri: ctx.resources.repositoryUri(repo.name, repo.accountId),
    createdAt: repo.createdAt,
    imageTagMutability: 'MUTABLE',
  };
}

export function toyOperations(repos: ToyRepo[]): AnyOperationDefinition[] {
  const describeRepositories = defineOperation({
    name: 'DescribeRepositories',
    handler: async (input, ctx) => {
      const mine = repos.filter((r) => r.accountId === ctx.accountId);
      for (const name of input.repositoryNames ?? []) {
        if (!mine.some((r) => r.name === name)) throw repositoryNotFound({ accountId: ctx.accountId, name });
      }
      const selected = input.repositoryNames ? mine.filter((r) => input.repositoryNames!.includes(r.name)) : mine;
      const page = ctx.pages.paginate(selected, (r) => r.name);
      return { repositories: page.items.map((r) => toWire(r, ctx)), nextToken: page.nextToken };
    },
  });

  const createRepository = defineOperation({
    name: 'CreateRepository',
    handler: async (input, ctx) => {
      if (repos.some((r) => r.accountId === ctx.accountId && r.name === input.repositoryName)) {
        throw repositoryAlreadyExists({ accountId: ctx.accountId, name: input.repositoryName });
      }
      const repo = { name: input.repositoryName, createdAt: new Date('2024-03-01T12:34:56.789Z'), accountId: ctx.accountId };
      repos.push(repo);
      // An internal field the wire must not carry.
      return { repository: { ...toWire(repo, ctx), internalStoragePath: '/var/lib/berth/secret' } as Repository };
    },
  });

  const deleteRepository = defineOperation({
    name: 'DeleteRepository',
    handler: async () => {
      throw new Error('connection to postgres://admin:hunter2@db failed');
    },
  });

  const uploadLayerPart = defineOperation({
    name: 'UploadLayerPart',
    handler: async (input, ctx) => ({
      registryId: ctx.accountId,
      repositoryName: input.repositoryName,
      uploadId: input.uploadId,
      // Counted in decoded bytes, not base64 characters: proves the handler got the blob decoded.
      lastByteReceived: input.partFirstByte + input.layerPartBlob.length - 1,
    }),
  });

  const getAuthorizationToken = defineOperation({
    name: 'GetAuthorizationToken',
    handler: async (input, ctx) => ({
      authorizationData: (input.registryIds ?? [ctx.accountId]).map((id) => ({
        authorizationToken: Buffer.from(`AWS:${sha256Hex(id)}`).toString('base64'),
        expiresAt: new Date('2030-01-02T03:04:05.500Z'),
        proxyEndpoint: ctx.resources.proxyEndpoint(id),
      })),
    }),
  });

  return [describeRepositories, createRepository, deleteRepository, uploadLayerPart, getAuthorizationToken];
}

/**
 * Accepts every request as the account root, except on demand for tests of the error paths
 * (x-test-auth: reject, unknown-key from the headers; anonymous once the body is read).
 */
export function fakeAuthenticate(seen: SeenRequest[]): EcrApiPluginOptions['authenticate'] {
  return async (request): Promise<PendingAuthentication> => {
    const record: SeenRequest = { ...request };
    seen.push(record);
    const mode = request.headers['x-test-auth']?.[0];
    if (mode === 'reject') throw new SigV4Error('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
    if (mode === 'unknown-key') throw new DomainError('Unauthenticated', 'The security token included in the request is invalid.');
    return {
      signatureVerified: true,
      complete: (payloadSha256) => {
        record.payloadSha256 = payloadSha256;
        if (mode === 'anonymous') return { kind: 'anonymous' } satisfies Principal;
        return { kind: 'root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root` } satisfies Principal;
      },
    };
  };
}

export async function startToyApp(overrides: Partial<EcrApiPluginOptions> = {}): Promise<ToyApp> {
  const repos: ToyRepo[] = [];
  const authRequests: SeenRequest[] = [];
  const app = Fastify({ logger: false });
  await app.register(ecrApiPlugin, {
    operations: toyOperations(repos),
    authenticate: fakeAuthenticate(authRequests),
    // Protocol tests: every authenticated call is allowed (src/iam is tested in test/iam).
    authorize: async () => undefined,
    region: REGION,
    registryHostTemplate: HOST_TEMPLATE,
    paginationSecret: 'test-pagination-secret-0123456789',
    ...overrides,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const client = new ECRClient({
    endpoint: url,
    region: REGION,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
  });
  return {
    app,
    url,
    repos,
    authRequests,
    client,
    close: async () => {
      client.destroy();
      await app.close();
    },
  };
}

export function seedRepos(repos: ToyRepo[], count: number, accountId = ACCOUNT): void {
  for (let i = 0; i < count; i++) {
    repos.push({ name: `team/repo-${String(i).padStart(3, '0')}`, createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i)), accountId });
  }
}
