import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BerthApp } from '../../src/app.js';
import { runGc, type GcFlags } from '../../src/cli/gc.js';
import { parseDuration } from '../../src/gc/duration.js';
import { RUN_LEASE_KEY } from '../../src/gc/leases.js';
import type { GcSummary } from '../../src/gc/types.js';
import { type TestServer, startServer } from '../support/server.js';
import { bytes, key, pullVerified, pushImage, type Image } from './helpers/world.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

describe('berth gc', () => {
  let started: TestServer;
  let dataDir: string;
  let server: BerthApp;
  let gone: Image;
  let stays: Image;

  async function gc(flags: GcFlags): Promise<{ code: number; stdout: string; stderr: string }> {
    const stdout = capture();
    const stderr = capture();
    const code = await runGc({ data: dataDir, ...flags }, { stdout: stdout.stream, stderr: stderr.stream, env: {} });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  // A server runs on the same data directory throughout: `berth gc` must be safe beside it.
  beforeEach(async () => {
    started = await startServer({ prefix: 'gc-cli', listen: false });
    ({ app: server, dataDir } = started);
    gone = await pushImage(server, 'team/app', [bytes(10_000, 'cli-gone')], 'old');
    stays = await pushImage(server, 'team/app', [bytes(20_000, 'cli-stays')], 'new');
    await server.registry.manifests.delete(key('team/app'), gone.digest, { actor: 'test' });
  });
  afterEach(async () => {
    await started.close();
  });

  it('a dry run prints what would be freed and frees nothing; a real run frees it, with progress on stderr', async () => {
    const freedBytes = gone.blobs.reduce((sum, b) => sum + b.size, 0);
    const dry = await gc({ dryRun: true, grace: '0s' });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^dry run, nothing deleted/);
    expect(dry.stdout).toMatch(/blobs would be freed:\s+2 \(/);
    expect(dry.stderr).toContain('gc done:');
    for (const blob of gone.blobs) expect(await server.blobs.stat(blob.digest)).toBeDefined();

    const real = await gc({ grace: '0s', json: true });
    expect(real.code).toBe(0);
    const summary = JSON.parse(real.stdout) as GcSummary;
    expect(summary).toMatchObject({ dryRun: false, blobsDeleted: 2, blobBytesFreed: freedBytes, bytesFreed: freedBytes, remainingBlobs: 2 });
    // The shorter grace than configured is worth a warning: it can fail pushes in progress.
    expect(real.stderr).toContain('warning: --grace is shorter');
    for (const blob of gone.blobs) expect(await server.blobs.stat(blob.digest)).toBeUndefined();
    await pullVerified(server, stays);
  });

  it('honours the configured grace period by default', async () => {
    const run = await gc({ json: true });
    expect(JSON.parse(run.stdout)).toMatchObject({ graceSeconds: 3600, blobsDeleted: 0 });
    expect(run.stderr).not.toContain('warning');
  });

  it('refuses to run while another collection holds the run lock', async () => {
    await server.store.gc.acquireLeases([RUN_LEASE_KEY], 'gc:elsewhere', 60_000, new Date());
    const run = await gc({ grace: '0s' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('another garbage collection is running');
    expect(run.stdout).toBe('');
  });

  it('parses durations the way the flag documents', () => {
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('0s')).toBe(0);
    expect(() => parseDuration('1 hour')).toThrow('invalid duration "1 hour"');
    expect(() => parseDuration('h')).toThrow('invalid duration');
  });
});
