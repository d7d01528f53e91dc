import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { SqliteDatabase } from '../../../src/metadata/sqlite/database.js';
import { vulnDbMigrations } from '../../../src/metadata/sqlite/vulndb-migrations.js';
import { SqliteVulnDbStore } from '../../../src/metadata/sqlite/vulndb-store.js';

export const silentLog = pino({ level: 'silent' });

export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(`../../fixtures/${relative}`, import.meta.url));
}

/** A finding the Debian fixtures' expected.json lists (per installed tree: minbase, minbase-patched, rich). */
export interface ExpectedFinding {
  binaryPackage: string;
  sourcePackage: string;
  installedVersion: string;
  fixedVersion: string;
  vulnerabilityId: string;
  cveId: string;
}

export function expectedDebianFindings(): Record<string, ExpectedFinding[]> {
  return JSON.parse(readFileSync(fixturePath('vulndb/debian-bookworm/expected.json'), 'utf8')) as Record<string, ExpectedFinding[]>;
}

/** An in-memory vulnerability database with the schema applied through the shared migration runner. */
export function openVulnDb(): { store: SqliteVulnDbStore; database: SqliteDatabase; close: () => void } {
  const database = new SqliteDatabase(':memory:');
  database.migrate(vulnDbMigrations);
  return { store: new SqliteVulnDbStore(database), database, close: () => database.close() };
}
