/**
 * The ECR API reads a request body only for a caller the headers authenticate, within a budget
 * while the signature still depends on the body, and at a minimum pace; headers themselves must
 * arrive in time. Driven over raw sockets against a real listener, so the test sees when the
 * server answers and how much it read.
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  InitiateLayerUploadCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import { signHeaders } from '../../../src/iam/sigv4/index.js';
import { sha256, sha256Hex } from '../../support/digest.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { REGION, ROOT_KEY_ID, ROOT_SECRET, uniqueName, useBerth } from './operations/harness.js';
import { type RawAnswer, RawRequest, countBytesRead, wait } from './helpers/raw-request.js';

const MiB = 1024 * 1024;
const TARGET = 'AmazonEC2ContainerRegistry_V20150921';
const BUDGET = 40 * MiB;

const berth = useBerth({
  http: { headersTimeoutSeconds: 1, ecrBody: { graceSeconds: 1, minBytesPerSecond: 10_000, maxUnverifiedBytes: BUDGET } },
});
const port = (): number => Number(new URL(berth().url).port);

interface Signing {
  /** Body the signature covers (default: none; the SHA-256 of '' is signed). */
  body?: Buffer | string;
  /** Declare and sign the body's hash (x-amz-content-sha256), as the SDKs do; the CLI does not. */
  declareHash?: boolean;
  keyId?: string;
  secret?: string;
  at?: Date;
}

/** The headers of a POST / for `operation` with a body of `length` bytes, signed as asked (or not at all). */
function head(operation: string, length: number, signing?: Signing): string[] {
  const base: Record<string, string> = {
    host: `127.0.0.1:${port()}`,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `${TARGET}.${operation}`,
  };
  let headers = base;
  if (signing) {
    const payloadSha256 = sha256Hex(signing.body ?? '');
    if (signing.declareHash) base['x-amz-content-sha256'] = payloadSha256;
    headers = {
      ...base,
      ...signHeaders({
        method: 'POST',
        path: '/',
        headers: base,
        payloadSha256,
        credentials: { accessKeyId: signing.keyId ?? ROOT_KEY_ID, secretAccessKey: signing.secret ?? ROOT_SECRET },
        region: REGION,
        service: 'ecr',
        now: signing.at,
      }),
    };
  }
  return ['POST / HTTP/1.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `content-length: ${length}`];
}

function errorType(answer: { body: string } | undefined): string | undefined {
  return answer ? (JSON.parse(answer.body) as { __type: string }).__type : undefined;
}

/** Keeps writing 20 KB every 200 ms (well over the test's minimum pace) for `ms`, or until answered. */
async function feed(raw: RawRequest, ms: number): Promise<RawAnswer | undefined> {
  const until = Date.now() + ms;
  let answer: RawAnswer | undefined;
  while (!answer && Date.now() < until) {
    await raw.write(Buffer.alloc(20_000, 'A'));
    answer = await raw.answerWithin(200);
  }
  return answer;
}

/** The start of an UploadLayerPart body, for sockets that then pour filler. */
const UPLOAD_PART_START = '{"repositoryName":"x","uploadId":"x","partFirstByte":0,"partLastByte":1,"layerPartBlob":"';

describe('credentials are checked from the headers, before the body is read', () => {
  const bad: [string, Signing | undefined, string][] = [
    ['no Authorization header', undefined, 'MissingAuthenticationTokenException'],
    ['an unknown access key', { keyId: 'AKIANOSUCHKEY0000001' }, 'UnrecognizedClientException'],
    ['an expired signature', { at: new Date(Date.now() - 20 * 60_000) }, 'InvalidSignatureException'],
    ['a declared body hash signed with the wrong secret', { declareHash: true, secret: `${ROOT_SECRET}x` }, 'InvalidSignatureException'],
  ];
  for (const [what, signing, exception] of bad) {
    it(`refuses a 31 MiB UploadLayerPart with ${what} while it is still being sent`, async () => {
      const counter = countBytesRead(berth().app.server.server);
      const raw = new RawRequest(port());
      try {
        raw.head(head('UploadLayerPart', 31 * MiB, signing));
        await raw.write(UPLOAD_PART_START);
        await raw.write(Buffer.alloc(64 * 1024, 'A'));
        // The body is nowhere near complete: only an answer from the headers can come now.
        const answer = await raw.answerWithin(5000);
        expect(answer?.status).toBe(400);
        expect(errorType(answer)).toBe(exception);
        expect(answer?.headers.connection).toBe('close');
        await Promise.race([raw.closed, wait(5000)]);
        expect(raw.socket.readableEnded || raw.socket.destroyed).toBe(true);
        expect(counter.total()).toBeLessThan(MiB);
      } finally {
        counter.stop();
        raw.destroy();
      }
    });
  }

  it('keeps its memory when many unsigned 31 MiB uploads stall', async () => {
    const counter = countBytesRead(berth().app.server.server);
    const sockets = Array.from({ length: 8 }, () => new RawRequest(port()));
    try {
      const before = process.memoryUsage().rss;
      for (const raw of sockets) {
        raw.head(head('UploadLayerPart', 32 * MiB));
        await raw.write(UPLOAD_PART_START);
      }
      // Each pours until the server stops taking bytes (a refused connection) or all 31 MiB are in.
      await Promise.all(sockets.map((raw) => raw.pour(31 * MiB, 1500)));
      const grown = process.memoryUsage().rss - before;
      const answers = await Promise.all(sockets.map((raw) => raw.answerWithin(2000)));
      expect(answers.map(errorType)).toEqual(sockets.map(() => 'MissingAuthenticationTokenException'));
      // Unfixed, the server read (and held) all 8 × 31 MiB.
      expect(counter.total()).toBeLessThan(8 * 4 * MiB);
      expect(grown).toBeLessThan(100 * MiB);
    } finally {
      counter.stop();
      for (const raw of sockets) raw.destroy();
    }
  });
});

describe('bodies the signature depends on', () => {
  it('share a budget: what does not fit is answered 503 unread, and the budget comes back', async () => {
    // Signed as the AWS CLI signs (no declared hash): the key is valid, so these bodies must be read.
    const uploads = Array.from({ length: 3 }, () => new RawRequest(port()));
    try {
      for (const raw of uploads) {
        raw.head(head('UploadLayerPart', 31 * MiB, { body: 'whatever the body will be' }));
        await raw.write(UPLOAD_PART_START);
      }
      const answers = await Promise.all(uploads.map((raw) => feed(raw, 3000)));
      const refused = answers.filter((a) => a !== undefined);
      // 40 MiB holds one 31 MiB body; the others are refused before they are read.
      expect(refused.map((a) => [a!.status, errorType(a), a!.headers.connection])).toEqual([
        [503, 'ServiceUnavailableException', 'close'],
        [503, 'ServiceUnavailableException', 'close'],
      ]);
    } finally {
      for (const raw of uploads) raw.destroy();
    }
    // The one being read let go of its claim when its client went away.
    await wait(200);
    const retry = new RawRequest(port());
    try {
      retry.head(head('UploadLayerPart', 31 * MiB, { body: 'another body' }));
      await retry.write(UPLOAD_PART_START);
      expect(await feed(retry, 1500)).toBeUndefined();
    } finally {
      retry.destroy();
    }
  });

  it('cuts a body that trickles in slower than the minimum pace (slow loris)', async () => {
    const raw = new RawRequest(port());
    try {
      raw.head(head('DescribeRepositories', 100_000, { body: 'x'.repeat(100_000) }));
      const started = Date.now();
      let answer: RawAnswer | undefined;
      do {
        await raw.write('x'.repeat(100));
        answer = await raw.answerWithin(200);
      } while (!answer && Date.now() - started < 8000);
      expect(answer?.status).toBe(408);
      expect(errorType(answer)).toBe('RequestTimeoutException');
      expect(answer?.headers.connection).toBe('close');
      // 1 s of grace, then 10,000 bytes a second, checked every 250 ms.
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      raw.destroy();
    }
  });
});

describe('headers', () => {
  it('must arrive within http.headersTimeoutSeconds', async () => {
    const raw = new RawRequest(port());
    try {
      raw.socket.write(`POST / HTTP/1.1\r\nhost: 127.0.0.1:${port()}\r\n`);
      const started = Date.now();
      while (!raw.socket.destroyed && Date.now() - started < 8000) {
        await raw.write('x-slow: a\r\n');
        await wait(200);
      }
      expect(raw.socket.destroyed).toBe(true);
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      raw.destroy();
    }
  });
});

describe('a valid ~20 MiB UploadLayerPart', () => {
  const part = randomBytes(20 * MiB);

  async function upload(send: (name: string, uploadId: string) => Promise<void>): Promise<void> {
    const name = uniqueName('bodies');
    await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    const { uploadId } = await berth().ecr.send(new InitiateLayerUploadCommand({ repositoryName: name }));
    await send(name, uploadId!);
    const done = await berth().ecr.send(new CompleteLayerUploadCommand({ repositoryName: name, uploadId, layerDigests: [sha256(part)] }));
    expect(done.layerDigest).toBe(sha256(part));
  }

  it('goes through from the SDK, which declares and signs the body hash', async () => {
    await upload(async (repositoryName, uploadId) => {
      const out = await berth().ecr.send(
        new UploadLayerPartCommand({ repositoryName, uploadId, partFirstByte: 0, partLastByte: part.length - 1, layerPartBlob: part }),
      );
      expect(out.lastByteReceived).toBe(part.length - 1);
    });
  });

  it('goes through signed as the AWS CLI signs, the body proving the signature', async () => {
    await upload(async (repositoryName, uploadId) => {
      const body = JSON.stringify({ repositoryName, uploadId, partFirstByte: 0, partLastByte: part.length - 1, layerPartBlob: part.toString('base64') });
      const lines = head('UploadLayerPart', Buffer.byteLength(body), { body });
      const headers = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
      delete headers.host;
      delete headers['content-length'];
      const res = await fetch(`${berth().url}/`, { method: 'POST', headers, body });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { lastByteReceived: number }).lastByteReceived).toBe(part.length - 1);
    });
  });

  const AWS = '/usr/bin/aws';
  it.skipIf(!existsSync(AWS))('goes through from the AWS CLI v2', async () => {
    const dir = await tempDir('aws-cli-part');
    try {
      const file = join(dir, 'part');
      writeFileSync(file, part);
      await upload(async (repositoryName, uploadId) => {
        const env = {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: dir,
          AWS_CONFIG_FILE: join(dir, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
          AWS_ACCESS_KEY_ID: ROOT_KEY_ID,
          AWS_SECRET_ACCESS_KEY: ROOT_SECRET,
          AWS_DEFAULT_REGION: REGION,
          AWS_PAGER: '',
          AWS_EC2_METADATA_DISABLED: 'true',
        };
        const args = ['ecr', 'upload-layer-part', '--repository-name', repositoryName, '--upload-id', uploadId, '--part-first-byte', '0'];
        args.push('--part-last-byte', String(part.length - 1), '--layer-part-blob', `fileb://${file}`, '--endpoint-url', berth().url, '--output', 'json');
        const out = await new Promise<string>((resolve, reject) =>
          execFile(AWS, args, { env, timeout: 120_000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout))),
        );
        expect((JSON.parse(out) as { lastByteReceived: number }).lastByteReceived).toBe(part.length - 1);
      });
    } finally {
      await removeDir(dir);
    }
  });
});
