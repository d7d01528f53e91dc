/**
 * What SQLite's single writer made trivially true, shown under real parallelism on PostgreSQL:
 * several PostgresMetadataStore instances (separate pools, as separate nodes have) on one
 * database, running the racing operations at once, many rounds over.
 */
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type DeliveredEvent, outboxEvent } from '../../../src/domain/events/index.js';
import { defineSubscription } from '../../../src/events/subscription.js';
import { insertEvents } from '../../../src/metadata/postgres/event-store.js';
import { PostgresMetadataStore } from '../../../src/metadata/postgres/store.js';
import type { PutManifestInput } from '../../../src/metadata/registry-store.js';
import { withPostgres } from '../../engines/engines.js';
import { freshDatabase } from '../../support/postgres.js';
import { OCI_MANIFEST } from '../../support/media-types.js';
import { at, count, digest, outcome, t0 } from '../conformance-helpers.js';

const ACCOUNT = '111122223333';
const NODES = 6;

/** A valid event of a real type, for writers that only need some event (the dispatcher parses every one). */
const created = (repositoryName: string) =>
  outboxEvent('repository.created', { accountId: ACCOUNT, occurredAt: t0, payload: { repositoryName, actor: 'test' } });

withPostgres(({ url: server }) => {
  describe('postgresql under concurrent nodes', () => {
    let nodes: PostgresMetadataStore[] = [];
    afterEach(async () => {
      await Promise.all(nodes.map((n) => n.close()));
      nodes = [];
    });
    /** `n` stores (nodes) on one emptied database; the first is also used to set up and check. */
    async function openNodes(n = NODES): Promise<PostgresMetadataStore[]> {
      const url = await freshDatabase(server);
      nodes = await Promise.all(Array.from({ length: n }, () => PostgresMetadataStore.open({ url, poolSize: 4 })));
      return nodes;
    }

    function manifest(repositoryId: number, n: number, extra: Partial<PutManifestInput> = {}): PutManifestInput {
      return {
        repositoryId,
        digest: digest(1000 + n),
        mediaType: OCI_MANIFEST,
        content: Buffer.from(`{"n":${n}}`),
        imageSize: 0,
        blobs: [],
        children: [],
        now: t0,
        events: [
          outboxEvent('image.pushed', {
            accountId: ACCOUNT,
            occurredAt: t0,
            payload: { repositoryName: 'app', actor: 'test', digest: digest(1000 + n), tag: extra.tag ?? null, mediaType: OCI_MANIFEST, artifactType: null },
          }),
        ],
        ...extra,
      };
    }

    it("a pull on one node answers with another node's write as soon as that write returned", async () => {
      const [a, b] = await openNodes(2);
      const repo = await a!.registry.createRepository({ accountId: ACCOUNT, name: 'app', now: t0 }, []);
      const pulled = async () => (await b!.registry.findManifest(ACCOUNT, 'app', { tag: 'latest' }))?.manifest?.digest;
      for (let round = 0; round < 20; round++) {
        await a!.registry.putManifest(manifest(repo.id, round, { tag: 'latest' }));
        expect(await pulled()).toBe(digest(1000 + round));
      }
      await a!.registry.deleteTag(repo.id, 'latest', []);
      expect(await pulled()).toBeUndefined();
      await a!.registry.deleteRepository(repo.id, { force: true, events: [] });
      expect(await b!.registry.findManifest(ACCOUNT, 'app', { tag: 'latest' })).toBeUndefined();
    });

    it('an immutable tag pushed from every node at once: exactly one push tags it, the others get ImageTagAlreadyExists', async () => {
      const [first] = await openNodes();
      const repo = await first!.registry.createRepository({ accountId: ACCOUNT, name: 'app', now: t0 }, []);
      for (let round = 0; round < 15; round++) {
        const tag = `v${round}`;
        const results = await Promise.all(
          nodes.map((node, i) => outcome(node.registry.putManifest(manifest(repo.id, round * NODES + i, { tag, tagImmutable: true })))),
        );
        expect(count(results)).toEqual(new Map([['ok', 1], ['ImageTagAlreadyExists', NODES - 1]]));
        const winner = results.indexOf('ok');
        expect(await first!.registry.resolveTag(repo.id, tag)).toBe(digest(1000 + round * NODES + winner));
        // The losers' manifests went with their transactions.
        const stored = await Promise.all(nodes.map((_, i) => first!.registry.getManifest(repo.id, digest(1000 + round * NODES + i))));
        expect(stored.filter(Boolean)).toHaveLength(1);
      }
      expect(await first!.events.list({ type: 'image.pushed', limit: 100 })).toHaveLength(15);
    });

    it('a mutable tag pushed from every node at once ends on one of them, with one event per move', async () => {
      const [first] = await openNodes();
      const repo = await first!.registry.createRepository({ accountId: ACCOUNT, name: 'app', now: t0 }, []);
      const results = await Promise.all(nodes.map((node, i) => node.registry.putManifest(manifest(repo.id, i, { tag: 'latest' }))));
      expect(results.every((r) => r.created && r.tagChanged)).toBe(true);
      // Each move names the digest it replaced: the moves form one chain from the first push to the last.
      const previous = results.map((r) => r.previousTagDigest);
      expect(previous.filter((p) => p === undefined)).toHaveLength(1);
      const final = await first!.registry.resolveTag(repo.id, 'latest');
      expect(previous).not.toContain(final);
      expect(new Set(previous.filter(Boolean)).size).toBe(NODES - 1);
      expect(await first!.events.list({ type: 'image.pushed', limit: 100 })).toHaveLength(NODES);
    });

    it('create-on-push from every node at once makes each repository once, without an error', async () => {
      const [first] = await openNodes();
      for (let round = 0; round < 20; round++) {
        const name = `team/app-${round}`;
        const event = outboxEvent('repository.created', { accountId: ACCOUNT, occurredAt: t0, payload: { repositoryName: name, actor: 'test', createdBy: 'push' } });
        const repos = await Promise.all(nodes.map((node) => node.registry.ensureRepository({ accountId: ACCOUNT, name, now: t0 }, [event])));
        expect(new Set(repos.map((r) => r.id)).size).toBe(1);
      }
      expect((await first!.registry.listRepositories(ACCOUNT, { limit: 100 })).items).toHaveLength(20);
      expect(await first!.events.list({ type: 'repository.created', limit: 100 })).toHaveLength(20);
    });

    it('a manifest commit racing the sweep of its blobs: either the manifest lands and the blobs stay, or the put fails', async () => {
      const [first, sweeper] = await openNodes(2);
      const repo = await first!.registry.createRepository({ accountId: ACCOUNT, name: 'app', now: t0 }, []);
      const rounds = 60;
      const outcomes: string[] = [];
      for (let round = 0; round < rounds; round++) {
        const layers = [digest(2 * round + 1), digest(2 * round + 2)];
        for (const layer of layers) await first!.registry.linkBlob(repo.id, { digest: layer, size: 1 }, t0);
        const put = outcome(
          first!.registry.putManifest(manifest(repo.id, round, { blobs: layers.map((d) => ({ digest: d, size: 1 })) })),
        );
        // The sweep of a node that saw the blobs unreferenced and unused (as a sweep without the
        // writer's lease would): lease, re-check and delete, at the same moment as the put.
        const sweep = (async () => {
          const taken = await sweeper!.gc.acquireLeases(layers, 'gc', 60_000, at(0));
          const deleted = await sweeper!.gc.deleteUnreferenced(taken, { owner: 'gc', usedBefore: at(3600), leaseValidUntil: at(1) });
          await sweeper!.gc.releaseLeases(taken, 'gc');
          return deleted.length;
        })();
        const [putOutcome, swept] = await Promise.all([put, sweep]);
        outcomes.push(`${putOutcome}/${swept}`);
        if (putOutcome === 'ok') expect(swept).toBe(0);
        else expect(putOutcome).toBe('ManifestBlobUnknown');
      }
      // No manifest names a blob whose row or repository link is gone.
      const dangling = await first!.database.rows(
        `SELECT mb.digest FROM manifest_blobs mb JOIN manifests m ON m.id = mb.manifest_id
         LEFT JOIN repository_blobs rb ON rb.repository_id = m.repository_id AND rb.digest = mb.digest
         LEFT JOIN blobs b ON b.digest = mb.digest WHERE rb.digest IS NULL OR b.digest IS NULL`,
      );
      expect(dangling).toEqual([]);
      expect(outcomes).toHaveLength(rounds);
    });

    it('a manifest commit racing a manifest delete of its index child keeps the child or fails the index', async () => {
      const [first, deleter] = await openNodes(2);
      const repo = await first!.registry.createRepository({ accountId: ACCOUNT, name: 'app', now: t0 }, []);
      for (let round = 0; round < 30; round++) {
        const child = manifest(repo.id, 10_000 + round);
        await first!.registry.putManifest(child);
        const index = manifest(repo.id, 20_000 + round, { children: [child.digest] });
        const [putOutcome, deleteOutcome] = await Promise.all([
          outcome(first!.registry.putManifest(index)),
          outcome(deleter!.registry.deleteManifest(repo.id, child.digest, [])),
        ]);
        expect([`${putOutcome}/${deleteOutcome}`]).toContainEqual(
          expect.stringMatching(/^(ok\/ImageReferencedByManifestList|ManifestBlobUnknown\/ok)$/),
        );
      }
      const orphans = await first!.database.rows(
        `SELECT c.child_digest FROM manifest_children c JOIN manifests p ON p.id = c.manifest_id
         LEFT JOIN manifests m ON m.repository_id = p.repository_id AND m.digest = c.child_digest WHERE m.id IS NULL`,
      );
      expect(orphans).toEqual([]);
    });

    it('two sweepers never hold the same digest, and a writer never holds one a sweeper holds', async () => {
      const [a, b, writer] = await openNodes(3);
      for (let round = 0; round < 30; round++) {
        const digests = Array.from({ length: 20 }, (_, i) => digest(round * 100 + i));
        const now = at(round * 100);
        const [takenA, takenB, writing] = await Promise.all([
          a!.gc.acquireLeases(digests, 'gc-a', 10_000, now),
          b!.gc.acquireLeases([...digests].reverse(), 'gc-b', 10_000, now),
          Promise.all(digests.slice(0, 10).map((d) => writer!.gc.acquireWriterLease(d, 'w', 10_000, now))),
        ]);
        const held = new Set(takenA);
        expect(takenB.filter((d) => held.has(d))).toEqual([]);
        for (const d of takenB) held.add(d);
        digests.slice(0, 10).forEach((d, i) => {
          if (writing[i]) expect(held.has(d)).toBe(false);
        });
        // Between them, every digest no writer holds was taken.
        const written = new Set(digests.filter((_, i) => i < 10 && writing[i]));
        expect(digests.filter((d) => !written.has(d) && !held.has(d))).toEqual([]);
      }
    });

    it('N claimers at once: every job is claimed exactly once', async () => {
      const [first] = await openNodes();
      const jobs = 300;
      for (let i = 0; i < jobs; i += 100) {
        await Promise.all(Array.from({ length: 100 }, (_, j) => first!.jobs.enqueue({ type: 'work', payload: { i: i + j }, runAt: t0 }, t0)));
      }
      const claimed: number[][] = await Promise.all(
        nodes.map(async (node, n) => {
          const mine: number[] = [];
          for (;;) {
            const job = await node.jobs.claim(['work'], `node-${n}`, 60_000, at(1));
            if (!job) return mine;
            mine.push(job.id);
            await node.jobs.complete(job.id, `node-${n}`, {}, at(2));
          }
        }),
      );
      const all = claimed.flat();
      expect(all).toHaveLength(jobs);
      expect(new Set(all).size).toBe(jobs);
      // Real parallelism: more than one node got work.
      expect(claimed.filter((c) => c.length > 0).length).toBeGreaterThan(1);
      expect(await first!.jobs.list({ status: 'succeeded', limit: 1000 })).toHaveLength(jobs);
    });

    it('two dispatchers on one subscriber, while several nodes write events: each event delivered once, in order', async () => {
      const stores = await openNodes(4);
      // Two dispatchers of different nodes: a fresh module graph gives the second its own NODE_ID.
      const { EventDispatcher: DispatcherA } = await import('../../../src/events/dispatcher.js');
      vi.resetModules();
      const { EventDispatcher: DispatcherB } = await import('../../../src/events/dispatcher.js');
      const log = pino({ level: 'silent' });
      const delivered: { by: string; event: DeliveredEvent }[] = [];
      const dispatchers = [new DispatcherA(stores[0]!.events, log), new DispatcherB(stores[1]!.events, log)];
      dispatchers.forEach((d, i) =>
        d.subscribe(
          defineSubscription({
            name: 'audit',
            startAt: 'beginning',
            batchSize: 7,
            handle: async (events) => void delivered.push(...events.map((event) => ({ by: `d${i}`, event }))),
          }),
        ),
      );

      // Writers on every node: outbox events from manifest pushes, plain appends, and transactions
      // whose commit reaches the server a moment after their events (a slow network or disk): the
      // case where an event id could become visible after a higher one.
      const repo = await stores[2]!.registry.createRepository({ accountId: ACCOUNT, name: 'app', now: t0 }, []);
      let writing = true;
      const writers = stores.map(async (store, w) => {
        for (let i = 0; i < 40; i++) {
          const event = created(`writer-${w}/${i}`);
          if (w === 0) await store.registry.putManifest(manifest(repo.id, w * 1000 + i, { tag: `t${w}-${i}` }));
          else if (w === 1) await store.events.append([event]);
          else {
            await store.database.transaction(async (tx) => {
              await insertEvents(tx, [event]);
              await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
            });
          }
        }
      });
      const drains = dispatchers.map(async (d) => {
        while (writing) {
          await d.drain();
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      });
      await Promise.all(writers);
      writing = false;
      await Promise.all(drains);
      // The lease holder stops (releasing the cursor); the other takes over and finishes.
      const holder = delivered[0]?.by === 'd1' ? 1 : 0;
      await dispatchers[holder]!.stop();
      await dispatchers[1 - holder]!.drain();

      const ids = delivered.map((d) => d.event.id);
      const all = (await stores[0]!.events.list({ limit: 1000 })).map((e) => e.id).reverse();
      expect(all).toHaveLength(4 * 40);
      expect(ids).toEqual(all);
      await dispatchers[1 - holder]!.stop();
    });
  });
});
