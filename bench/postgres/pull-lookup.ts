/**
 * The pull path's manifest lookup on PostgreSQL, with and without a cache in front of it: what
 * decided that PostgresManifestStore.findManifest has none (see its comment, and
 * docs/architecture.md). Not a suite of `npm run bench`: run it alone, as root or a user that may
 * run PostgreSQL 15's binaries (the test harness starts a private server):
 *
 *   npx tsx bench/postgres/pull-lookup.ts [--seconds 3] [--rounds 3]
 *
 * Modes, each timed sequentially (latency of one lookup) and with 16 lookups in flight on a pool
 * of 10 (lookups per second):
 *
 * - query: findManifest as it is, one query per lookup (a named statement, planned once per
 *   connection); 'planned each time': the same SQL as an unnamed statement;
 * - checked cache: a version read per lookup (the repository row by its unique key, where a
 *   per-repository version bumped by every write that changes a lookup's answer would live: the
 *   cheapest query that can prove no node wrote since) and the answer from memory — the least any
 *   cache that never serves a stale answer costs;
 * - memory only: the answer from memory with no check, as a cache invalidated by LISTEN/NOTIFY
 *   alone would serve it. It may serve stale answers: the notification reaches other nodes after
 *   the writer's commit; the bench measures that delay too.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { PULL_BY_TAG } from '../../src/metadata/postgres/manifest-store.js';
import { PostgresMetadataStore } from '../../src/metadata/postgres/store.js';
import type { FoundManifest } from '../../src/metadata/manifest-store.js';
import { startPostgres } from '../../test/engines/postgres.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' }, rounds: { type: 'string', default: '3' } } });
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const ACCOUNT = '111122223333';
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

const VERSION_CHECK = { name: 'bench_version_check', text: 'SELECT id FROM repositories WHERE account_id = $1 AND name = $2' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const server = await startPostgres();
  const stores: PostgresMetadataStore[] = [];
  try {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query('CREATE DATABASE bench');
    await client.end();
    const url = server.url.replace(/\/postgres$/, '/bench');
    const store = await PostgresMetadataStore.open({ url, poolSize: 10 });
    const writer = await PostgresMetadataStore.open({ url, poolSize: 2 });
    stores.push(store, writer);
    await store.database.run('CREATE TABLE pull_version (v BIGINT NOT NULL); INSERT INTO pull_version VALUES (1)');

    const repo = await store.registry.createRepository({ accountId: ACCOUNT, name: 'team/app', now: new Date() }, []);
    const sizes = { '1 KiB manifest': 1024, '16 KiB index': 16 * 1024 };
    let n = 0;
    for (const [tag, size] of Object.entries(sizes)) {
      await store.registry.putManifest({
        repositoryId: repo.id,
        digest: digest(++n),
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        content: Buffer.from(`{"pad":"${'x'.repeat(size - 10)}"}`),
        imageSize: 0,
        blobs: [],
        children: [],
        tag,
        now: new Date(),
        events: [],
      });
    }

    for (const tag of Object.keys(sizes)) {
      const lookup = () => store.registry.findManifest(ACCOUNT, 'team/app', { tag });
      const cached = (await lookup()) as FoundManifest;
      const modes: Record<string, () => Promise<unknown>> = {
        'query, planned each time': () => store.database.row(PULL_BY_TAG.text, [tag, ACCOUNT, 'team/app']),
        query: lookup,
        'checked cache': async () => {
          await store.database.row(VERSION_CHECK, [ACCOUNT, 'team/app']);
          return cached;
        },
        'memory only': async () => cached,
      };
      const latency: Record<string, number[]> = {};
      const throughput: Record<string, number[]> = {};
      for (let round = 0; round < ROUNDS; round++) {
        // Interleaved, so drift on a shared machine hits every mode alike.
        for (const [mode, fn] of Object.entries(modes)) {
          (latency[mode] ??= []).push(await sequential(fn));
          (throughput[mode] ??= []).push(await concurrent(fn, 16));
        }
      }
      console.log(`\n${tag}`);
      for (const mode of Object.keys(modes)) {
        console.log(
          `  ${mode.padEnd(26)} ${median(latency[mode]!).toFixed(1).padStart(7)} µs/lookup sequential   ${Math.round(median(throughput[mode]!)).toString().padStart(7)} lookups/s with 16 in flight`,
        );
      }
    }
    console.log(`\nnotification delay (NOTIFY in the writer's transaction, commit acknowledged → other pool notified):`);
    console.log(`  ${await notifyDelay(url, writer)}`);
  } finally {
    for (const s of stores) await s.close();
    await server.stop();
  }
}

/** Mean µs per call, one at a time, for SECONDS. */
async function sequential(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await fn();
  let calls = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) {
    await fn();
    calls++;
  }
  return ((performance.now() - start) * 1000) / calls;
}

/** Calls per second with `inFlight` callers, for SECONDS. */
async function concurrent(fn: () => Promise<unknown>, inFlight: number): Promise<number> {
  let calls = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        await fn();
        calls++;
      }
    }),
  );
  return (calls * 1000) / (performance.now() - start);
}

/** How long after the writer learns its commit succeeded another connection hears the NOTIFY. */
async function notifyDelay(url: string, writer: PostgresMetadataStore): Promise<string> {
  const listener = new pg.Client({ connectionString: url });
  await listener.connect();
  await listener.query('LISTEN berth_pull');
  const delays: number[] = [];
  for (let i = 0; i < 300; i++) {
    let committedAt = 0;
    const heard = new Promise<number>((resolve) => listener.once('notification', () => resolve(performance.now())));
    await writer.database.transaction(async (tx) => {
      await tx.run('UPDATE pull_version SET v = v + 1');
      await tx.run(`SELECT pg_notify('berth_pull', '')`);
    });
    committedAt = performance.now();
    delays.push((await heard) - committedAt);
  }
  await listener.end();
  const sorted = [...delays].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
  return `median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms (negative: heard before the commit's acknowledgement was processed)`;
}

await main();
