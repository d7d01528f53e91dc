import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { withPostgres } from './engines.js';
import { createDatabase, startPostgres } from './postgres.js';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

withPostgres((postgres) => {
  describe('the private PostgreSQL of the engines project', () => {
    it('is PostgreSQL 15 on 127.0.0.1 with durability off, and creates databases to connect to', async () => {
      const [version] = await query<{ server_version: string }>(postgres.url, 'SHOW server_version');
      expect(version!.server_version).toMatch(/^15\./);
      const [fsync] = await query<{ fsync: string }>(postgres.url, 'SHOW fsync');
      expect(fsync!.fsync).toBe('off');
      const url = await createDatabase(postgres.url, `berth_${randomUUID().slice(0, 8)}`);
      await query(url, 'CREATE TABLE t (x int)');
      await query(url, 'INSERT INTO t VALUES (1), (2)');
      expect(await query(url, 'SELECT sum(x)::int AS total FROM t')).toEqual([{ total: 3 }]);
      await expect(createDatabase(postgres.url, 'Bad-Name')).rejects.toThrow(/lower-case/);
    });

    it('starts another server on its own port and stops it, leaving no process and no directory', async () => {
      const other = await startPostgres();
      expect(other.url).not.toBe(postgres.url);
      const pid = Number((await query<{ pid: number }>(other.url, 'SELECT pg_backend_pid() AS pid'))[0]!.pid);
      expect(pid).toBeGreaterThan(0);
      await other.stop();
      expect(existsSync(other.dir)).toBe(false);
      await expect(query(other.url, 'SELECT 1')).rejects.toThrow();
    });
  });
});
