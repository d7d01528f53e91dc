import { readFileSync } from 'node:fs';
import type { Logger } from '../util/logger.js';
import type { PostgresOptions } from './postgres/database.js';
import { PostgresMetadataStore } from './postgres/store.js';
import { SqliteMetadataStore } from './sqlite/store.js';
import type { MetadataStore } from './store.js';

/** TLS to PostgreSQL: files are read when the store opens. */
export interface PostgresTlsSettings {
  /** Refuse a server whose certificate does not verify against `ca` (or the system's CAs). */
  rejectUnauthorized: boolean;
  /** PEM file of the CA(s) that signed the server's certificate. */
  ca?: string;
  /** PEM files of a client certificate and its key, for servers that ask for one. */
  cert?: string;
  key?: string;
}

/** Which engine holds metadata and how to reach it (the `metadata` section of the configuration). */
export interface MetadataSettings {
  driver: 'sqlite' | 'postgres';
  sqlite: { file: string };
  postgres: {
    url?: string;
    poolSize: number;
    statementTimeoutMs: number;
    connectTimeoutMs: number;
    ssl?: PostgresTlsSettings;
  };
}

/** Opens the configured metadata store, applying pending migrations. */
export async function openMetadataStore(settings: MetadataSettings, log?: Logger): Promise<MetadataStore> {
  if (settings.driver === 'sqlite') return SqliteMetadataStore.open(settings.sqlite.file);
  return PostgresMetadataStore.open(postgresOptions(settings.postgres, log));
}

/** The connection options of the `metadata.postgres` settings (TLS files read here). */
export function postgresOptions(settings: MetadataSettings['postgres'], log?: Logger): PostgresOptions {
  const { url, ssl, ...pool } = settings;
  if (!url) throw new Error('metadata.postgres.url is required with metadata.driver postgres');
  return {
    url,
    ...pool,
    ...(ssl && {
      ssl: {
        rejectUnauthorized: ssl.rejectUnauthorized,
        ...(ssl.ca && { ca: readFileSync(ssl.ca, 'utf8') }),
        ...(ssl.cert && { cert: readFileSync(ssl.cert, 'utf8') }),
        ...(ssl.key && { key: readFileSync(ssl.key, 'utf8') }),
      },
    }),
    ...(log && { log }),
  };
}
