import type { PostgresMigration } from '../migration.js';
import { ecrPostgresMigrations } from './ecr-migrations.js';
import { gcPostgresMigrations } from './gc-migrations.js';
import { lifecyclePostgresMigrations } from './lifecycle-migrations.js';
import { corePostgresMigrations } from './migrations.js';

/**
 * Every module's PostgreSQL migrations in application order (sqlite/all-migrations.ts is the
 * SQLite list). A module appends its list here; ids are namespaced per module.
 */
export const allPostgresMigrations: readonly PostgresMigration[] = [
  ...corePostgresMigrations,
  ...gcPostgresMigrations,
  ...ecrPostgresMigrations,
  ...lifecyclePostgresMigrations,
];
