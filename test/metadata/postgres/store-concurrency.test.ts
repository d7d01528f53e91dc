/**
 * The IAM, audit, lifecycle, scan and vulnerability-database stores under real parallelism on
 * PostgreSQL: several PostgresMetadataStore instances (separate pools, as separate nodes have) on
 * one database run the operations SQLite's single writer made atomic, at once, many rounds over.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OsvRecord } from '../../../src/domain/osv.js';
import { PostgresMetadataStore } from '../../../src/metadata/postgres/store.js';
import type { ScanRequest } from '../../../src/metadata/scan-store.js';
import { withPostgres } from '../../engines/engines.js';
import { freshDatabase } from '../../support/postgres.js';
import { OCI_CONFIG, OCI_MANIFEST } from '../../support/media-types.js';
import { at, count, digest, outcome, storageClassEvent, t0 } from '../conformance-helpers.js';

const ACCOUNT = '111122223333';
const NODES = 6;

withPostgres(({ url: server }) => {
  describe('postgresql stores under concurrent nodes', () => {
    let nodes: PostgresMetadataStore[] = [];
    afterEach(async () => {
      await Promise.all(nodes.map((n) => n.close()));
      nodes = [];
    });
    /** `n` stores (nodes) on one emptied database; the first is also used to set up and check. */
    async function openNodes(n = NODES): Promise<[PostgresMetadataStore, ...PostgresMetadataStore[]]> {
      const url = await freshDatabase(server);
      nodes = await Promise.all(Array.from({ length: n }, () => PostgresMetadataStore.open({ url, poolSize: 4 })));
      return nodes as [PostgresMetadataStore, ...PostgresMetadataStore[]];
    }
    const everyNode = <T>(fn: (node: PostgresMetadataStore, i: number) => Promise<T>): Promise<T[]> => Promise.all(nodes.map(fn));

    async function image(node: PostgresMetadataStore, repositoryId: number, n: number): Promise<{ id: number; digest: string }> {
      await node.registry.putManifest({
        repositoryId,
        digest: digest(n),
        mediaType: OCI_MANIFEST,
        artifactType: OCI_CONFIG,
        content: Buffer.from(`{"n":${n}}`),
        imageSize: 0,
        blobs: [],
        children: [],
        now: t0,
        events: [],
      });
      return { id: (await node.registry.getManifest(repositoryId, digest(n)))!.id, digest: digest(n) };
    }

    describe('iam', () => {
      it('accounts and users created from every node at once: one creation each, the others told', async () => {
        const [first] = await openNodes();
        for (let round = 0; round < 10; round++) {
          const accountId = String(100_000_000_000 + round);
          const created = await everyNode((node) => node.iam.createAccount({ accountId, createdAt: t0 }));
          expect(created.filter(Boolean)).toHaveLength(1);
          // The same name in a different case from each node: names are case-insensitive.
          const users = await everyNode((node, i) =>
            outcome(node.iam.createUser({ accountId, userName: i % 2 ? 'Deploy' : 'deploy', userId: `AIDA${round}X${i}`, path: '/', createdAt: t0 })),
          );
          expect(count(users)).toEqual(new Map([['ok', 1], ['Conflict', NODES - 1]]));
        }
        expect(await first.iam.listAccounts()).toHaveLength(10);
      });

      it("createFirstRootKey from every node starting at once makes one root key per account", async () => {
        const [first] = await openNodes();
        for (let round = 0; round < 15; round++) {
          const accountId = String(200_000_000_000 + round);
          await first.iam.createAccount({ accountId, createdAt: t0 });
          const made = await everyNode((node, i) =>
            node.iam.createFirstRootKey({ accessKeyId: `AKIA${round}N${i}`, accountId, status: 'Active', sealedSecret: `s${i}`, createdAt: t0 }),
          );
          expect(made.filter(Boolean)).toHaveLength(1);
          expect(await first.iam.listAccessKeys(accountId, undefined)).toHaveLength(1);
        }
      });

      it('key-encryption-key rotations on every node at once: each key re-sealed by each rotation in turn, none lost', async () => {
        const [first] = await openNodes();
        await first.iam.createAccount({ accountId: ACCOUNT, createdAt: t0 });
        const keys = Array.from({ length: 40 }, (_, i) => `AKIAKEY${String(i).padStart(3, '0')}`);
        for (const accessKeyId of keys) await first.iam.createAccessKey({ accessKeyId, accountId: ACCOUNT, status: 'Active', sealedSecret: 'v0', createdAt: t0 }, keys.length);
        // Each rotation seals the envelope it reads once more: a rotation that read an envelope
        // another one was replacing would lose that one's layer.
        const counts = await everyNode((node) => node.iam.resealAccessKeys((key) => `${key.sealedSecret}+`));
        expect(counts).toEqual(Array(NODES).fill(keys.length));
        const sealed = await Promise.all(keys.map(async (id) => (await first.iam.getAccessKey(id))!.sealedSecret));
        expect(new Set(sealed)).toEqual(new Set([`v0${'+'.repeat(NODES)}`]));

        // A rotation that only re-seals what is not sealed with the active key: done once in all.
        const once = await everyNode((node) => node.iam.resealAccessKeys((key) => (key.sealedSecret.startsWith('k2:') ? undefined : `k2:${key.sealedSecret}`)));
        expect(once.reduce((a, b) => a + b, 0)).toBe(keys.length);
      });

      it("access keys created for one owner from every node at once: two (IAM's quota) made, the rest LimitExceeded", async () => {
        const [first] = await openNodes();
        await first.iam.createAccount({ accountId: ACCOUNT, createdAt: t0 });
        for (let round = 0; round < 10; round++) {
          const userName = `ci-${round}`;
          await first.iam.createUser({ accountId: ACCOUNT, userName, userId: `AIDAQUOTA${round}`, path: '/', createdAt: t0 });
          // Users, and the account root in the even rounds (whose keys from earlier rounds are deleted first).
          const owners = round % 2 === 0 ? [userName, undefined] : [userName];
          for (const key of await first.iam.listAccessKeys(ACCOUNT, undefined)) await first.iam.deleteAccessKey(key.accessKeyId);
          for (const owner of owners) {
            const outcomes = await everyNode((node, i) =>
              outcome(
                node.iam.createAccessKey(
                  {
                    accessKeyId: `AKIAQ${round}${owner ? 'U' : 'R'}${i}`,
                    accountId: ACCOUNT,
                    ...(owner !== undefined && { userName: i % 2 ? owner.toUpperCase() : owner }),
                    status: 'Active',
                    sealedSecret: 'v0',
                    createdAt: t0,
                  },
                  2,
                ),
              ),
            );
            expect(count(outcomes)).toEqual(new Map([['ok', 2], ['LimitExceeded', NODES - 2]]));
            expect(await first.iam.listAccessKeys(ACCOUNT, owner)).toHaveLength(2);
          }
        }
      });
    });

    describe('audit', () => {
      it('the same outbox events recorded by every node at once are written once', async () => {
        const [first] = await openNodes();
        const entries = Array.from({ length: 50 }, (_, i) => ({ at: at(i), actor: 'berth:test', action: 'ecr:PutImage', outcome: 'succeeded' as const, eventId: i + 1 }));
        await everyNode((node, i) => node.audit.append(i % 2 ? entries : [...entries].reverse()));
        const listed = await first.audit.list({ limit: 1000 });
        expect(listed.map((e) => e.eventId).sort((a, b) => a! - b!)).toEqual(entries.map((e) => e.eventId));
      });

      it('a reader paging down while every node writes never misses a record that commits later', async () => {
        const [reader, ...writers] = await openNodes();
        // Large batches draw their ids over the time the INSERT takes, small ones in between: ids
        // that committed out of order would leave a gap below a reader's cursor.
        const write = async (node: PostgresMetadataStore, w: number) => {
          for (let batch = 0; batch < 12; batch++) {
            const size = batch % 2 ? 1 : 1500;
            await node.audit.append(Array.from({ length: size }, (_, i) => ({ at: at(batch), actor: `writer-${w}`, action: 'ecr:PutImage', outcome: 'succeeded' as const, requestId: `${w}/${batch}/${i}` })));
          }
        };
        let writing = true;
        const walks: { top: number; seen: Set<number> }[] = [];
        const read = async () => {
          while (writing) {
            // One walk: the newest page, then down by id to the oldest record.
            const seen = new Set<number>();
            let page = await reader.audit.list({ limit: 2000 });
            const top = page[0]?.id;
            while (page.length > 0) {
              for (const entry of page) seen.add(entry.id);
              page = await reader.audit.list({ beforeId: page.at(-1)!.id, limit: 2000 });
            }
            if (top !== undefined) walks.push({ top, seen });
          }
        };
        const reading = read();
        await Promise.all(writers.map((node, w) => write(node, w)));
        writing = false;
        await reading;

        const all = (await reader.audit.list({ limit: 1_000_000 })).map((e) => e.id);
        expect(all).toHaveLength(writers.length * 6 * 1501);
        expect(walks.length).toBeGreaterThan(3);
        for (const { top, seen } of walks) {
          const missed = all.filter((id) => id <= top && !seen.has(id));
          expect(missed, `a walk from id ${top} missed records`).toEqual([]);
        }
      });
    });

    describe('lifecycle', () => {
      it('previews started from every node at once: one runs, the others are told one is in progress', async () => {
        const [first] = await openNodes();
        const repo = await first.registry.createRepository({ accountId: ACCOUNT, name: 'app', now: t0 }, []);
        for (let round = 0; round < 15; round++) {
          // Rounds alternate between no preview yet (round 0), an abandoned one, and a completed one.
          if (round > 0 && round % 2 === 0) await first.lifecycle.completePreview((await first.lifecycle.getPreview(repo.id))!.id, [], at(round * 100));
          const results = await everyNode((node, i) => outcome(node.lifecycle.beginPreview(repo.id, `policy ${round}/${i}`, at(round * 100 + 50), at(round * 100))));
          expect(count(results)).toEqual(new Map([['ok', 1], ['LifecyclePolicyPreviewInProgress', NODES - 1]]));
          const preview = (await first.lifecycle.getPreview(repo.id))!;
          expect(preview).toMatchObject({ status: 'IN_PROGRESS', text: `policy ${round}/${results.indexOf('ok')}` });
        }
        const rows = await first.database.rows('SELECT id FROM lifecycle_previews');
        expect(rows).toHaveLength(1);
      });

      it('an image archived (or restored) from every node at once changes once, with one event', async () => {
        const [first] = await openNodes();
        const repo = await first.registry.createRepository({ accountId: ACCOUNT, name: 'app', now: t0 }, []);
        const images = [];
        for (let n = 1; n <= 10; n++) images.push(await image(first, repo.id, n));
        for (const [from, to] of [['ACTIVE', 'ARCHIVED'], ['ARCHIVED', 'ACTIVATING'], ['ACTIVATING', 'ACTIVE']] as const) {
          for (const { digest: d } of images) {
            const results = await everyNode((node, i) =>
              node.lifecycle.changeImageStatus(repo.id, d, {
                from: [from],
                to,
                at: at(i),
                events: () => [storageClassEvent(to, repo, d, t0)],
              }),
            );
            expect(results.filter((r) => r?.changed)).toHaveLength(1);
            expect(results.every((r) => r?.state.status === to)).toBe(true);
          }
          expect(await first.events.list({ type: storageClassEvent(to, repo, '').type, limit: 100 })).toHaveLength(images.length);
        }
      });
    });

    describe('scans', () => {
      it('scan requests from every node at once: quota and never-scanned checks pass once; unconditional ones each get a generation', async () => {
        const [first] = await openNodes();
        const repo = await first.registry.createRepository({ accountId: ACCOUNT, name: 'app', now: t0 }, []);
        const request = (target: { id: number; digest: string }, extra: Partial<ScanRequest>): ScanRequest => ({
          manifestId: target.id,
          repositoryId: repo.id,
          digest: target.digest,
          scanType: 'BASIC',
          now: at(10),
          job: (generation) => ({ type: 'scan.image', payload: { manifestId: target.id, generation }, runAt: at(10) }),
          ...extra,
        });
        for (let round = 0; round < 10; round++) {
          const target = await image(first, repo.id, 100 + round);
          const condition = round % 2 ? { quotaSince: at(0) } : { onlyIfNeverScanned: true };
          const started = await everyNode((node) => node.scans.requestScan(request(target, condition)));
          expect(started.filter((s) => s.started)).toHaveLength(1);
          expect(started.filter((s) => !s.started).every((s) => !s.started && s.existing.generation === 1)).toBe(true);

          const again = await everyNode((node) => node.scans.requestScan(request(target, {})));
          expect(again.map((s) => (s.started ? s.generation : 0)).sort((a, b) => a - b)).toEqual(Array.from({ length: NODES }, (_, i) => i + 2));
          const jobs = await first.jobs.list({ type: 'scan.image', limit: 1000 });
          expect(jobs.filter((j) => j.payload.manifestId === target.id).map((j) => j.payload.generation).sort((a, b) => Number(a) - Number(b))).toEqual(
            Array.from({ length: NODES + 1 }, (_, i) => i + 1),
          );
          expect((await first.scans.getScan(target.id))?.generation).toBe(NODES + 1);
        }
      });

      it("a scan's result racing a new request for the image: written before it, or not at all", async () => {
        const [first, other] = await openNodes(2);
        const repo = await first.registry.createRepository({ accountId: ACCOUNT, name: 'app', now: t0 }, []);
        for (let round = 0; round < 40; round++) {
          const target = await image(first, repo.id, 1000 + round);
          const request = { manifestId: target.id, repositoryId: repo.id, digest: target.digest, scanType: 'BASIC' as const, now: at(1), job: () => ({ type: 'scan.image', payload: {}, runAt: at(1) }) };
          await first.scans.requestScan(request);
          const finding = { key: 'CVE-1/a', groupKey: 'CVE-1', severity: 'HIGH', finding: {} };
          const [completed, requested] = await Promise.all([
            first.scans.completeScan({
              manifestId: target.id,
              generation: 1,
              scanType: 'BASIC',
              status: 'COMPLETE',
              description: 'done',
              completedAt: at(2),
              vulnDbVersion: 1,
              findings: [finding],
              severityCounts: { HIGH: 1 },
              enhancedSeverityCounts: { HIGH: 1 },
              mode: 'replace',
              events: () => [],
            }),
            other!.scans.requestScan({ ...request, now: at(3) }),
          ]);
          expect(requested).toEqual({ started: true, generation: 2 });
          const scan = (await first.scans.getScan(target.id))!;
          expect(scan).toMatchObject({ status: 'IN_PROGRESS', generation: 2 });
          // Written before the request: its findings and completion time stay; refused: nothing written.
          expect(await first.scans.listFindings(target.id)).toHaveLength(completed ? 1 : 0);
          expect(scan.completedAt).toEqual(completed ? at(2) : undefined);
        }
      });

      it('re-matched versions set from every node at once end at the highest', async () => {
        const [first] = await openNodes();
        for (let round = 1; round <= 10; round++) {
          await everyNode((node, i) => node.scans.setRematchedVersion(round * 10 + i));
          expect(await first.scans.getRematchedVersion()).toBe(round * 10 + NODES - 1);
        }
      });
    });

    describe('vulnerability database', () => {
      const feed = async function* (records: OsvRecord[]): AsyncGenerator<OsvRecord> {
        for (const record of records) {
          yield record;
          // Slow readers, so imports overlap.
          if (Number(record.id.slice(4)) % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
        }
      };
      const records = (prefix: string) =>
        Array.from({ length: 1500 }, (_, i): OsvRecord => ({ id: `${prefix}-${String(i).padStart(4, '0')}`, modified: '2026-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: `p${i % 30}` } }] }));

      it('the same feed imported by every node at once: added and versioned once, unchanged for the others', async () => {
        const [first] = await openNodes();
        const outcomes = await everyNode((node) => node.vulnDb.importSource({ name: 'npm', format: 'osv-dir', location: '/x' }, feed(records('GHSA')), { removeMissing: true }));
        expect(outcomes.filter((o) => o.changed)).toEqual([expect.objectContaining({ added: 1500, version: 1 })]);
        expect(outcomes.filter((o) => !o.changed).every((o) => o.unchanged === 1500 && o.added === 0 && o.version === 1)).toBe(true);
        expect(await first.vulnDb.status()).toMatchObject({ version: 1, records: 1500 });
      });

      it('a node waits for another node importing the same feed as long as that takes, past the statement timeout', async () => {
        const url = await freshDatabase(server);
        nodes = await Promise.all([0, 1].map(() => PostgresMetadataStore.open({ url, poolSize: 2, statementTimeoutMs: 300 })));
        const [slow, waiting] = nodes as [PostgresMetadataStore, PostgresMetadataStore];
        const source = { name: 'npm', format: 'osv-dir', location: '/x' };
        const slowly = async function* (): AsyncGenerator<OsvRecord> {
          yield* records('GHSA').slice(0, 10);
          await new Promise((resolve) => setTimeout(resolve, 1200));
        };
        const first = slow.vulnDb.importSource(source, slowly(), { removeMissing: true });
        await new Promise((resolve) => setTimeout(resolve, 200));
        const second = await waiting.vulnDb.importSource(source, feed(records('GHSA').slice(0, 10)), { removeMissing: true });
        expect(await first).toMatchObject({ added: 10, version: 1 });
        expect(second).toMatchObject({ unchanged: 10, changed: false, version: 1 });
        // The session's statements have their timeout back.
        await expect(waiting.database.exclusive('other', (session) => session.run('SELECT pg_sleep(1)'))).rejects.toThrow(/statement timeout/);
      });

      it('different feeds imported by every node at once: each bumps the version once', async () => {
        const [first] = await openNodes();
        const outcomes = await everyNode((node, i) =>
          node.vulnDb.importSource({ name: `feed-${i}`, format: 'osv-dir', location: '/x' }, feed(records(`S${i}XX`)), { removeMissing: true }),
        );
        expect(outcomes.map((o) => o.version).sort((a, b) => a - b)).toEqual(Array.from({ length: NODES }, (_, i) => i + 1));
        expect(await first.vulnDb.status()).toMatchObject({ version: NODES, records: NODES * 1500 });
        const hits = await first.vulnDb.advisoriesFor([{ ecosystem: 'npm', name: 'p7' }]);
        expect([...hits.values()][0]).toHaveLength(NODES * 50);
      });
    });
  });
});
