import type { PostgresMigration } from '../migration.js';
import { auditPostgresMigrations } from './audit-store.js';
import { deploymentPostgresMigrations } from './deployment-store.js';
import { ecrPostgresMigrations } from './ecr-migrations.js';
import { gcPostgresMigrations } from './gc-migrations.js';
import { iamPostgresMigrations } from './iam-migrations.js';
import { lifecyclePostgresMigrations } from './lifecycle-migrations.js';
import { corePostgresMigrations } from './migrations.js';
import { scanPostgresMigrations } from './scan-migrations.js';
import { vulnDbPostgresMigrations } from './vulndb-migrations.js';

/**
 * Every module's PostgreSQL migrations in application order (sqlite/all-migrations.ts is the
 * SQLite list, in the same order). A module appends its list here; ids are namespaced per module.
 */
export const allPostgresMigrations: readonly PostgresMigration[] = [
  ...corePostgresMigrations,
  ...gcPostgresMigrations,
  ...iamPostgresMigrations,
  ...ecrPostgresMigrations,
  ...auditPostgresMigrations,
  ...lifecyclePostgresMigrations,
  ...vulnDbPostgresMigrations,
  ...scanPostgresMigrations,
  ...deploymentPostgresMigrations,
];
