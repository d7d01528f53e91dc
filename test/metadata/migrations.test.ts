import { describe, expect, it } from 'vitest';
import { allPostgresMigrations } from '../../src/metadata/postgres/all-migrations.js';
import { allSqliteMigrations } from '../../src/metadata/sqlite/all-migrations.js';

describe('migrations', () => {
  it('are the same changes, in the same order, on SQLite and PostgreSQL', () => {
    expect(allPostgresMigrations.map((m) => m.id)).toEqual(allSqliteMigrations.map((m) => m.id));
  });
});
