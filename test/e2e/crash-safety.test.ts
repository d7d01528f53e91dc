import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type BerthServer, startBerth } from '../support/berth-process.js';
import { removeDir, tempDir } from '../support/temp.js';
import { checkDataDir } from './crash/data-dir-check.js';
import { HttpClient } from './crash/http-client.js';
import { type ImagePush, roundWorkload } from './crash/images.js';
import { describePlan, type KillPlan, KillSwitch } from './crash/kill-switch.js';
import { Ledger } from './crash/ledger.js';
import { Pusher } from './crash/pusher.js';
import { checkAcknowledged, resumeUnfinished, verifyPulls } from './crash/verify.js';

const PUSHERS = 12;
const between = (low: number, high: number) => low + Math.random() * (high - low);
const ROUNDS: { name: string; plan: KillPlan }[] = [
  { name: 'early in the uploads (2–30% of bytes sent)', plan: { at: 'bytes', fraction: between(0.02, 0.3) } },
  { name: 'midway through the uploads (30–70% of bytes sent)', plan: { at: 'bytes', fraction: between(0.3, 0.7) } },
  { name: 'late in the uploads (70–97% of bytes sent)', plan: { at: 'bytes', fraction: between(0.7, 0.97) } },
  { name: 'while a blob is being committed', plan: { at: 'request-sent', kind: 'commit', nth: 1 + Math.floor(Math.random() * 8) } },
  { name: 'while a manifest is being stored', plan: { at: 'request-sent', kind: 'manifest', nth: 1 + Math.floor(Math.random() * 3) } },
];

/** Upload bytes every round is sure to send: blobs only one push of the round has. */
function certainBytes(images: ImagePush[]): number {
  const counts = new Map<string, number>();
  for (const blob of images.flatMap((i) => i.blobs)) counts.set(blob.digest, (counts.get(blob.digest) ?? 0) + 1);
  return images.flatMap((i) => i.blobs).reduce((sum, b) => sum + (counts.get(b.digest) === 1 ? b.data.length : 0), 0);
}

describe('crash safety: kill -9 during concurrent pushes', () => {
  let work: string;
  let server: BerthServer;
  const pushed: ImagePush[] = [];
  const unfinished = { resumed: 0, gone: 0 };

  beforeAll(async () => {
    work = await tempDir('e2e-crash');
    server = await startBerth({ dataDir: join(work, 'data') });
  });

  afterAll(async () => {
    await server?.stop();
    await removeDir(work);
  });

  for (const [round, { name, plan }] of ROUNDS.entries()) {
    test(`round ${round + 1}: killed ${name}, it restarts consistent with nothing acknowledged lost`, async () => {
      const images = roundWorkload(round, PUSHERS);
      pushed.push(...images);
      const ledger = new Ledger();
      const killer = new KillSwitch(server.pid, plan, certainBytes(images));
      const client = new HttpClient(server.url, killer);
      await new Pusher(client, ledger).pushAll(images);
      client.close();
      const when = `kill -9 ${describePlan(plan)}`;
      expect(killer.fired, `${when}: the pushes finished before the kill`).toBe(true);
      expect(killer.inFlightAtKill, `${when}: requests in flight`).toBeGreaterThan(0);
      expect(ledger.wrongReplies, when).toEqual([]);
      expect(ledger.connectionErrors.length, `${when}: pushes cut off`).toBeGreaterThan(0);
      await server.kill();

      server = await startBerth({ dataDir: server.dataDir, port: server.port });
      const after = new HttpClient(server.url);
      try {
        expect((await checkDataDir(server.dataDir)).problems, `after restart (${when})`).toEqual([]);
        expect(await checkAcknowledged(after, ledger), `after restart (${when})`).toEqual([]);
        const outcome = await resumeUnfinished(after, new Pusher(after, ledger), ledger, server.dataDir);
        expect(outcome.problems, `resuming uploads (${when})`).toEqual([]);
        unfinished.resumed += outcome.resumed;
        unfinished.gone += outcome.gone;
        console.info(
          `crash round ${round + 1}: ${when}; ${killer.inFlightAtKill} requests in flight, ` +
            `${ledger.blobs.size} blobs and ${ledger.manifests.size} manifests acknowledged before it, ` +
            `${outcome.resumed} open uploads resumed, ${outcome.gone} gone`,
        );
        expect((await checkDataDir(server.dataDir)).problems, `after resuming uploads (${when})`).toEqual([]);
      } finally {
        after.close();
      }
    });
  }

  test('after the crashes, pushing everything again succeeds and every image pulls intact', async () => {
    // The rounds must have left uploads open at the kill, or resuming was never tested.
    expect(unfinished.resumed + unfinished.gone).toBeGreaterThan(0);

    const ledger = new Ledger();
    const client = new HttpClient(server.url);
    try {
      await new Pusher(client, ledger).pushAll(pushed);
      expect(ledger.wrongReplies).toEqual([]);
      expect(ledger.connectionErrors).toEqual([]);
      expect(ledger.manifests.size).toBe(pushed.length);
      expect(await verifyPulls(client, pushed)).toEqual([]);
    } finally {
      client.close();
    }

    expect(await server.stop()).toBe(0);
    const report = await checkDataDir(server.dataDir);
    expect(report.problems).toEqual([]);
    expect(report.tags).toBe(pushed.length);
  });
});
