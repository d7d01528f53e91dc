/**
 * Repro for the ECR API's request-body memory exposure (not part of `npm run bench`, not a test):
 * starts `berth serve` from dist/ with IAM on, opens N sockets that each send the headers of an
 * UploadLayerPart declaring a 32 MiB body, then 31 MiB of it, then stall; reports the server's
 * resident memory before, while the sockets stall, and after they close.
 *
 *   npm run build && npx tsx bench/repro/unauthenticated-bodies.ts --sockets 40 [--mode unsigned|known-key]
 *
 * --mode unsigned (default): no Authorization header at all, as in the issue.
 * --mode known-key: signed like the AWS CLI signs (no x-amz-content-sha256, so the signature
 *   covers a body hash the server must compute) with the root's real access key but a bad
 *   signature: the key is valid, so the body cannot be refused from the headers alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../lib/paths.js';
import { procStatusBytes } from '../lib/proc.js';
import { freePort, startServer } from '../lib/server-process.js';

const MiB = 1024 * 1024;
const KEY_ID = 'AKIAREPROBODIES00001';
const SECRET = 'repro-unauthenticated-bodies-secret-0123';

const { values } = parseArgs({
  options: {
    sockets: { type: 'string', default: '40' },
    mode: { type: 'string', default: 'unsigned' },
    'stall-seconds': { type: 'string', default: '5' },
  },
});
const sockets = Number(values.sockets);
const mode = values.mode === 'known-key' ? 'known-key' : 'unsigned';
const stallMs = Number(values['stall-seconds']) * 1000;

const declared = 32 * MiB - 1024;
const sent = 31 * MiB;

function headers(port: number): string {
  const now = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  const lines = [
    'POST / HTTP/1.1',
    `Host: 127.0.0.1:${port}`,
    'Content-Type: application/x-amz-json-1.1',
    'X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.UploadLayerPart',
    `Content-Length: ${declared}`,
    `X-Amz-Date: ${now}`,
  ];
  if (mode === 'known-key') {
    lines.push(
      `Authorization: AWS4-HMAC-SHA256 Credential=${KEY_ID}/${now.slice(0, 8)}/us-east-1/ecr/aws4_request, ` +
        `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
    );
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Writes the headers, then `sent` bytes of the body; resolves when written or when the server stops taking them. */
function stalledUpload(port: number): { socket: Socket; done: Promise<{ written: number; answer: string }> } {
  const socket = connect(port, '127.0.0.1');
  const chunk = Buffer.alloc(MiB, 'A');
  let answer = '';
  socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
  socket.on('error', () => undefined);
  const done = new Promise<{ written: number; answer: string }>((resolve) => {
    let written = 0;
    const settle = () => resolve({ written, answer });
    socket.once('close', settle);
    socket.once('connect', async () => {
      socket.write(headers(port));
      socket.write('{"repositoryName":"repro","uploadId":"x","partFirstByte":0,"partLastByte":1,"layerPartBlob":"');
      while (written < sent && !socket.destroyed) {
        const ok = socket.write(chunk);
        written += chunk.length;
        if (!ok) {
          // The server stopped reading (or is slow): wait for it, but not forever.
          const drained = await Promise.race([new Promise((r) => socket.once('drain', () => r(true))), sleep(15_000).then(() => false)]);
          if (!drained) break;
        }
      }
      settle();
    });
  });
  return { socket, done };
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / MiB).toFixed(0)} MiB`;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-repro-'));
  const port = await freePort();
  const server = await startServer({
    label: 'Berth',
    command: process.execPath,
    args: [join(REPO_ROOT, 'bin', 'berth.js'), 'serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir, '--log-level', 'warn'],
    env: { BERTH_CONFIG: '', BERTH_ROOT_ACCESS_KEY_ID: KEY_ID, BERTH_ROOT_SECRET_ACCESS_KEY: SECRET },
    port,
    readyPath: '/healthz',
    logFile: `${dataDir}.log`,
    cwd: REPO_ROOT,
  });
  try {
    await sleep(1000);
    const before = procStatusBytes(server.pid, 'VmRSS');
    const started = Date.now();
    const uploads = Array.from({ length: sockets }, () => stalledUpload(port));
    const results = await Promise.all(uploads.map((u) => u.done));
    await sleep(Math.max(0, stallMs - (Date.now() - started)));
    const stalled = procStatusBytes(server.pid, 'VmRSS');
    const peak = procStatusBytes(server.pid, 'VmHWM');
    for (const u of uploads) u.socket.destroy();
    await sleep(3000);
    const after = procStatusBytes(server.pid, 'VmRSS');
    const answered = results.filter((r) => r.answer.startsWith('HTTP/1.1')).map((r) => r.answer.split('\r\n')[0]);
    const statuses = [...new Set(answered)].map((s) => `${answered.filter((a) => a === s).length}× ${s}`);
    const writtenMiB = results.reduce((sum, r) => sum + r.written, 0) / MiB;
    console.log(`mode ${mode}, ${sockets} sockets, each declaring ${mib(declared)} and sending up to ${mib(sent)}`);
    console.log(`  RSS before ${mib(before)}, while stalled ${mib(stalled)} (peak ${mib(peak)}), 3 s after closing ${mib(after)}`);
    console.log(`  client wrote ${writtenMiB.toFixed(0)} MiB in total; answers: ${statuses.join(', ') || 'none'}`);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.log`, { force: true });
  }
}

await main();
