/** `berth fsck`: re-hashes stored blobs beside a running server, reports and optionally quarantines damaged ones. */
import { open, stat, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FsckFlags, runFsck } from '../../src/cli/fsck.js';
import { BLOB_QUARANTINED_EVENT } from '../../src/gc/quarantine.js';
import type { VerifyReport } from '../../src/gc/verify.js';
import { captureLogs } from '../support/log-capture.js';
import { type TestServer, startServer } from '../support/server.js';
import { ACCOUNT, bytes, type Image, pushImage, uploadBlob } from './helpers/world.js';

describe('berth fsck', () => {
  let server: TestServer;
  let image: Image;
  let other: Image;

  async function fsck(flags: FsckFlags = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const stdout = captureLogs();
    const stderr = captureLogs();
    const code = await runFsck({ data: server.dataDir, ...flags }, { stdout: stdout.stream, stderr: stderr.stream, env: {} });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  const blobFile = (digest: string) => join(server.dataDir, 'storage', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));

  async function flipByte(digest: string, at: number): Promise<void> {
    const handle = await open(blobFile(digest), 'r+');
    try {
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, at);
      byte[0] = byte[0]! ^ 0x01;
      await handle.write(byte, 0, 1, at);
    } finally {
      await handle.close();
    }
  }

  const getBlob = (repository: string, digest: string) =>
    server.app.server.inject({ method: 'GET', url: `/v2/${repository}/blobs/${digest}` });

  // A server runs on the same data directory throughout: `berth fsck` must be safe beside it.
  beforeEach(async () => {
    // /v2 open to all, on the account the helpers push into.
    server = await startServer({ prefix: 'fsck', listen: false, config: { auth: { mode: 'none' }, accountId: ACCOUNT } });
    image = await pushImage(server.app, 'team/app', [bytes(300_000, 'fsck-layer'), bytes(2_000, 'fsck-small')], 'v1');
    other = await pushImage(server.app, 'team/other', [bytes(5_000, 'fsck-other')], 'v1');
  });
  afterEach(async () => {
    await server.close();
  });

  it('passes a clean store, with progress on stderr', async () => {
    const run = await fsck();
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^checked 5 blobs \(\d+\.\d KiB hashed\) in [\d.]+ s\nno problems found\n$/);
    expect(run.stderr).toMatch(/fsck: 5\/5 blobs, (\d+\.\d) KiB of \1 KiB hashed \(100%\)/);
  });

  it('reports a blob with one corrupted byte, names the images it breaks, and exits non-zero', async () => {
    const layer = image.blobs[1]!;
    await flipByte(layer.digest, 150_000);
    const run = await fsck({ json: true });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as VerifyReport;
    expect(report).toMatchObject({ blobsChecked: 5, blobsTotal: 5, quarantined: 0 });
    expect(report.problems).toEqual([
      {
        digest: layer.digest,
        kind: 'digest',
        expectedSize: layer.size,
        actualSize: layer.size,
        actualDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        referencedBy: [{ accountId: ACCOUNT, repositoryName: 'team/app', manifestDigest: image.digest }],
      },
    ]);
    // Reported only: without --quarantine the file stays where it is.
    expect((await stat(blobFile(layer.digest))).size).toBe(layer.size);

    const text = await fsck();
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${layer.digest}  DIGEST MISMATCH: the content hashes to sha256:`);
    expect(text.stdout).toContain(`referenced by ${ACCOUNT}/team/app@${image.digest}`);
    expect(text.stdout).toContain('run with --quarantine');
  });

  it('reports truncated and missing files', async () => {
    const truncated = other.blobs[1]!;
    const missing = image.blobs[0]!;
    await truncate(blobFile(truncated.digest), 10);
    await unlink(blobFile(missing.digest));
    const run = await fsck();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${truncated.digest}  WRONG SIZE: the file holds 10 bytes, ${truncated.size} recorded`);
    expect(run.stdout).toContain(`${missing.digest}  MISSING: storage has no file for it`);
    expect(run.stdout).toContain('2 damaged or missing blob(s); 0 set aside');
  });

  it('with --quarantine sets a corrupted blob aside: pulls of it fail clearly, and pushing it again repairs it', async () => {
    const layer = image.blobs[1]!;
    const content = bytes(300_000, 'fsck-layer');
    await flipByte(layer.digest, 7);
    const run = await fsck({ quarantine: true, json: true });
    expect(run.code).toBe(1);
    const quarantinedAs = `quarantine/sha256/${layer.digest.slice(7)}`;
    expect((JSON.parse(run.stdout) as VerifyReport).problems).toEqual([expect.objectContaining({ digest: layer.digest, kind: 'digest', quarantinedAs })]);
    expect((await stat(join(server.dataDir, 'storage', quarantinedAs))).size).toBe(layer.size);
    const events = await server.app.store.events.list({ type: BLOB_QUARANTINED_EVENT, limit: 10 });
    expect(events.map((e) => e.payload)).toEqual([expect.objectContaining({ digest: layer.digest, detectedBy: 'fsck', actor: 'berth:fsck' })]);

    // The server no longer serves wrong bytes: it says what happened.
    const pull = await getBlob('team/app', layer.digest);
    expect(pull.statusCode).toBe(404);
    expect(pull.json()).toEqual({
      errors: [{ code: 'BLOB_UNKNOWN', message: `blob ${layer.digest} was found damaged and set aside; push it again`, detail: { digest: layer.digest } }],
    });
    // Still broken until pushed again, so still reported.
    expect((await fsck()).stdout).toContain(`${layer.digest}  MISSING`);

    await uploadBlob(server.app, 'team/app', content);
    const repaired = await getBlob('team/app', layer.digest);
    expect(repaired.statusCode).toBe(200);
    expect(repaired.rawPayload.equals(content)).toBe(true);
    expect((await fsck()).code).toBe(0);
  });
});
