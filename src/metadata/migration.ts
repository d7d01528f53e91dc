/**
 * A schema change. Modules own their migrations; ids are namespaced by module
 * ('registry/001-initial', 'iam/001-users', 'vulndb/001-advisories') so modules developed in
 * parallel never collide. The runner applies unapplied ids in list order inside a transaction and
 * records them in `schema_migrations`.
 */
export interface Migration {
  id: string;
  /** SQL for SQLite. */
  sqlite: string;
}

/**
 * The PostgreSQL counterpart (postgres/all-migrations.ts lists them). A module's ids are the same
 * on both engines where the change is the same; the SQL differs (types, identity columns).
 */
export interface PostgresMigration {
  id: string;
  /** SQL for PostgreSQL: one or more statements, run in one transaction. */
  postgres: string;
}
