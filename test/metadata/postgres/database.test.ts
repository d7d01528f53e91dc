import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { allPostgresMigrations } from '../../../src/metadata/postgres/all-migrations.js';
import { PostgresDatabase, sqlState } from '../../../src/metadata/postgres/database.js';
import { PostgresMetadataStore } from '../../../src/metadata/postgres/store.js';
import { withPostgres } from '../../engines/engines.js';
import { emptyDatabase, freshDatabase } from '../../support/postgres.js';

withPostgres(({ url: server }) => {
  describe('postgresql database', () => {
    it('applies migrations once when several nodes start at once against an empty database', async () => {
      const url = await emptyDatabase(server);
      const stores = await Promise.all(Array.from({ length: 8 }, () => PostgresMetadataStore.open({ url, poolSize: 2 })));
      try {
        const applied = await stores[0]!.database.rows<{ id: string; n: number }>(
          'SELECT id, COUNT(*) AS n FROM schema_migrations GROUP BY id ORDER BY MIN(applied_at), id',
        );
        expect(applied.map((r) => r.id).sort()).toEqual(allPostgresMigrations.map((m) => m.id).sort());
        expect(applied.every((r) => r.n === 1)).toBe(true);
        // Every node works on the one schema.
        await Promise.all(stores.map((s, i) => s.jobs.enqueue({ type: 't', payload: { i }, runAt: new Date(0) }, new Date(0))));
        expect(await stores[3]!.jobs.list({ limit: 100 })).toHaveLength(8);
        expect(await stores[5]!.database.migrate(allPostgresMigrations)).toEqual([]);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it('rolls a failed migration back whole and names it', async () => {
      const database = new PostgresDatabase({ url: await emptyDatabase(server) });
      try {
        const broken = [
          { id: 'test/001-ok', postgres: 'CREATE TABLE a (x INT)' },
          { id: 'test/002-broken', postgres: 'CREATE TABLE b (x INT); SELECT nonsense FROM nowhere' },
        ];
        await expect(database.migrate(broken)).rejects.toThrow(/migration test\/002-broken failed/);
        expect(await database.row(`SELECT to_regclass('b') AS t`)).toEqual({ t: null });
        expect(await database.rows('SELECT id FROM schema_migrations')).toEqual([{ id: 'test/001-ok' }]);
      } finally {
        await database.close();
      }
    });

    it('commits, or rolls back what the function did when it throws, without retrying a domain error', async () => {
      const database = new PostgresDatabase({ url: await freshDatabase(server) });
      try {
        let calls = 0;
        await database.transaction(async (tx) => {
          await tx.run(`INSERT INTO gc_leases (key, owner, expires_at) VALUES ('kept', 'a', 1)`);
        });
        const failing = database.transaction(async (tx) => {
          calls++;
          await tx.run(`INSERT INTO gc_leases (key, owner, expires_at) VALUES ('gone', 'a', 1)`);
          throw new DomainError('Conflict', 'no');
        });
        await expect(failing).rejects.toBeInstanceOf(DomainError);
        expect(calls).toBe(1);
        expect(await database.rows('SELECT key FROM gc_leases ORDER BY key')).toEqual([{ key: 'kept' }]);
      } finally {
        await database.close();
      }
    });

    it('runs a transaction again after a serialization failure', async () => {
      const database = new PostgresDatabase({ url: await freshDatabase(server), poolSize: 8 });
      try {
        await database.run(`INSERT INTO gc_leases (key, owner, expires_at) VALUES ('counter', 'x', 0)`);
        // Eight read-modify-write increments at once: SERIALIZABLE aborts all but one of each
        // overlapping group, and the retries make every increment count.
        let attempts = 0;
        await Promise.all(
          Array.from({ length: 8 }, () =>
            database.transaction(
              async (tx) => {
                attempts++;
                const row = await tx.row<{ expires_at: number }>(`SELECT expires_at FROM gc_leases WHERE key = 'counter'`);
                await new Promise((resolve) => setTimeout(resolve, 5));
                await tx.run(`UPDATE gc_leases SET expires_at = $1 WHERE key = 'counter'`, [row!.expires_at + 1]);
              },
              { isolation: 'serializable', maxAttempts: 50 },
            ),
          ),
        );
        expect(await database.row(`SELECT expires_at FROM gc_leases WHERE key = 'counter'`)).toEqual({ expires_at: 8 });
        expect(attempts).toBeGreaterThan(8);
      } finally {
        await database.close();
      }
    });

    it('reads int8 as numbers, and cancels statements past the statement timeout', async () => {
      const database = new PostgresDatabase({ url: await freshDatabase(server), statementTimeoutMs: 100 });
      try {
        expect(await database.row('SELECT COUNT(*) AS n, 9007199254740991::bigint AS big')).toEqual({ n: 1, big: 2 ** 53 - 1 });
        const err = await database.run('SELECT pg_sleep(2)').catch((e: unknown) => e);
        expect(sqlState(err)).toBe('57014'); // query_canceled
      } finally {
        await database.close();
      }
    });

    it('close() ends every connection of the pool', async () => {
      const url = await freshDatabase(server);
      const store = await PostgresMetadataStore.open({ url, poolSize: 3 });
      await Promise.all([1, 2, 3].map(() => store.database.run('SELECT pg_sleep(0.05)')));
      const connections = async () => {
        const client = new pg.Client({ connectionString: server });
        await client.connect();
        const result = await client.query(`SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'berth'`, [
          new URL(url).pathname.slice(1),
        ]);
        await client.end();
        return result.rows[0].n as number;
      };
      expect(await connections()).toBe(3);
      await store.close();
      expect(await connections()).toBe(0);
    });
  });
});
