import type { Migration } from '../migration.js';
import { coreMigrations } from './migrations.js';
import { deploymentMigrations } from './deployment-store.js';
import { auditMigrations } from './audit-store.js';
import { gcMigrations } from './gc-migrations.js';
import { iamMigrations } from './iam-migrations.js';
import { ecrMigrations } from './ecr-migrations.js';
import { lifecycleMigrations } from './lifecycle-migrations.js';
import { scanMigrations } from './scan-migrations.js';
import { vulnDbMigrations } from './vulndb-migrations.js';

/**
 * Every module's SQLite migrations in application order. A module appends its list here; ids are
 * namespaced per module so lists never collide.
 */
export const allSqliteMigrations: readonly Migration[] = [...coreMigrations, ...gcMigrations, ...iamMigrations, ...ecrMigrations, ...auditMigrations, ...lifecycleMigrations, ...vulnDbMigrations, ...scanMigrations, ...deploymentMigrations];
