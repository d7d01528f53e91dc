/**
 * Every table of the SQLite schema is accounted for by `berth migrate` (copied or skipped with a
 * reason): a migration that adds a table fails here until src/metadata/transfer/catalogue.ts says
 * what the move does with it.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COPIED_TABLES, SKIPPED_TABLES, plannedAction } from '../../src/metadata/transfer/catalogue.js';
import { SqliteMetadataStore } from '../../src/metadata/sqlite/store.js';
import { removeDir, tempDir } from '../support/temp.js';

describe('berth migrate table catalogue', () => {
  let dir: string | undefined;
  afterAll(() => removeDir(dir));

  async function sqliteTables(): Promise<string[]> {
    dir = await tempDir('catalogue');
    const store = SqliteMetadataStore.open(join(dir, 'metadata.db'));
    try {
      // AUTOINCREMENT's sqlite_sequence appears with the first such table.
      return (store.database.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
    } finally {
      await store.close();
    }
  }

  it('names every table of a fully migrated SQLite database', async () => {
    const tables = await sqliteTables();
    expect(tables.length).toBeGreaterThan(30);
    expect(tables.filter((table) => plannedAction(table) === undefined)).toEqual([]);
  });

  it('names only tables that exist, each once', async () => {
    const tables = new Set(await sqliteTables());
    const named = [...COPIED_TABLES, ...Object.keys(SKIPPED_TABLES)];
    expect(named.filter((table) => !tables.has(table))).toEqual([]);
    expect(new Set(named).size).toBe(named.length);
  });
});
