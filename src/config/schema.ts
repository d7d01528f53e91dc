import { z } from 'zod';
import { authConfigSchema } from '../iam/config-schema.js';
import { scanningConfigSchema } from '../scanning/service/config-schema.js';
import { s3ConfigSchema } from '../storage/s3/config-schema.js';

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/;
const hostPort = z
  .string()
  .regex(HOST_PORT, 'must be HOST:PORT, e.g. 127.0.0.1:5000')
  // Only about a value of the right shape: "nohost" gets the message above alone.
  .refine((v) => Number(HOST_PORT.exec(v)?.[2] ?? 0) <= 65535, 'port must be at most 65535');

const byteSize = z.number().int().positive();

const postgresSchema = z
  .object({
    /** postgres://user:password@host:port/database (env BERTH_POSTGRES_URL). */
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    /** Connections each node keeps at most. */
    poolSize: z.number().int().positive().max(1000).default(10),
    /** The server cancels a statement that runs longer (0: no limit). Migrations at start are exempt. */
    statementTimeoutMs: z.number().int().nonnegative().default(30_000),
    /** How long to wait for a connection, new or from a full pool. */
    connectTimeoutMs: z.number().int().positive().default(10_000),
    /** TLS to the database (replaces any ssl/sslmode parameters in the URL). */
    ssl: z
      .object({
        /** Refuse a server certificate that does not verify. */
        rejectUnauthorized: z.boolean().default(true),
        /** PEM file of the CA(s) that signed the server certificate (default: the system's). */
        ca: z.string().min(1).optional(),
        /** PEM files of a client certificate and its key. */
        cert: z.string().min(1).optional(),
        key: z.string().min(1).optional(),
      })
      .strict()
      .refine((ssl) => (ssl.cert === undefined) === (ssl.key === undefined), 'cert and key go together')
      .optional(),
  })
  .strict();

const metadataSchema = z
  .object({
    /** Where metadata lives; default postgres when metadata.postgres.url is set, else sqlite. */
    driver: z.enum(['sqlite', 'postgres']).optional(),
    sqlite: z
      .object({
        /** Defaults to <dataDir>/metadata.db. */
        file: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    postgres: postgresSchema.default({}),
  })
  .strict()
  .refine((m) => m.driver !== 'postgres' || m.postgres.url !== undefined, {
    message: 'metadata.driver postgres needs metadata.postgres.url (or BERTH_POSTGRES_URL)',
    path: ['postgres', 'url'],
  })
  .transform((m) => ({ ...m, driver: m.driver ?? (m.postgres.url === undefined ? ('sqlite' as const) : ('postgres' as const)) }));

export const configSchema = z
  .object({
    /** HOST:PORT the registry (/v2 and the ECR API) listens on. */
    listen: hostPort.default('127.0.0.1:5000'),
    /** Where embedded data lives: the SQLite database, blobs, generated credentials. */
    dataDir: z.string().min(1).default('./berth-data'),
    tls: z
      .object({ cert: z.string().min(1), key: z.string().min(1) })
      .strict()
      .optional(),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .default({}),
    /** The AWS region this deployment answers as. */
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must look like an AWS region, e.g. us-east-1')
      .default('us-east-1'),
    /** The account that owns the registry when nothing else says which account a request is for. */
    accountId: z.string().regex(/^\d{12}$/, 'must be 12 digits').default('000000000000'),
    /** Base URL clients use to reach this registry (used in repositoryUri, proxyEndpoint, download URLs). */
    publicUrl: z.string().url().optional(),
    /**
     * Registry host in repositoryUri (what `docker push` takes), e.g.
     * `{accountId}.dkr.ecr.{region}.registry.example.com` with wildcard DNS. Placeholders:
     * {accountId}, {region}. Default: host:port of publicUrl, else of the listen address.
     */
    registryHostTemplate: z
      .string()
      .regex(/^[^/\s]+$/, 'must be a host[:port] without scheme or path')
      .refine((v) => [...v.matchAll(/\{([A-Za-z]+)\}/g)].every(([, n]) => n === 'accountId' || n === 'region'), 'only {accountId} and {region} may be used')
      .optional(),
    /**
     * Signs ECR pagination tokens and layer download URLs; every node of a deployment must share
     * it. Default: generated once into <dataDir>/server-secret.
     */
    serverSecret: z.string().min(32, 'must be at least 32 characters').optional(),
    registry: z
      .object({
        createRepositoryOnPush: z.boolean().default(true),
        maxBlobBytes: byteSize.default(64 * 1024 ** 3),
      })
      .strict()
      .default({}),
    storage: z
      .object({
        /** filesystem: one node, blobs under dataDir; s3: a bucket every node of a deployment shares. */
        driver: z.enum(['filesystem', 's3']).default('filesystem'),
        filesystem: z
          .object({
            /** Defaults to <dataDir>/storage. */
            root: z.string().min(1).optional(),
            /** fsync blobs before they become visible (survive power loss, not only crashes). */
            fsync: z.boolean().default(true),
          })
          .strict()
          .default({}),
        /** The bucket for driver s3 (see src/storage/s3/config-schema.ts). */
        s3: s3ConfigSchema.optional(),
      })
      .strict()
      .refine((storage) => storage.driver !== 's3' || storage.s3 !== undefined, {
        message: 'driver s3 needs storage.s3 (at least bucket)',
        path: ['s3'],
      })
      .default({}),
    metadata: metadataSchema.default({}),
    uploads: z
      .object({
        /** Uploads idle this long are purged. */
        staleAfterSeconds: z.number().int().positive().default(24 * 3600),
      })
      .strict()
      .default({}),
    gc: z
      .object({
        /** How often garbage collection runs (a durable scheduled job; one node runs each occurrence). */
        intervalSeconds: z.number().int().positive().default(24 * 3600),
        /**
         * Unreferenced blobs younger than this stay: it covers a push between uploading its layers
         * and putting its manifest, so it must exceed the longest push.
         */
        graceSeconds: z.number().int().nonnegative().default(3600),
      })
      .strict()
      .default({}),
    jobs: z
      .object({
        /**
         * How long a node's claim on a background job (scan, lifecycle run, GC, purge, feed update)
         * lasts without renewal, for every job type; the node renews it every third of that while it
         * works. A node that dies holds its jobs this long before another node takes them. Default:
         * each job type's own (60–300 s). Shorter leases are lost to a stalled database or event loop.
         */
        leaseSeconds: z.number().int().min(5).max(3600).optional(),
      })
      .strict()
      .default({}),
    lifecycle: z
      .object({
        /** How often lifecycle policies run over every repository that has one (a durable scheduled job). */
        intervalSeconds: z.number().int().positive().default(24 * 3600),
        /**
         * How long a restore from the archive takes (ARCHIVED → ACTIVATING → ACTIVE). ECR takes up to
         * 20 minutes; Berth keeps archived bytes in place, so this only paces the state change.
         */
        restoreDelaySeconds: z.number().int().nonnegative().default(5),
      })
      .strict()
      .default({}),
    /** Vulnerability scanning: scan jobs and their limits (see src/scanning/service/config-schema.ts). */
    scanning: scanningConfigSchema.default({}),
    /** Authentication and authorization (see src/iam/config-schema.ts). */
    auth: authConfigSchema.default({}),
    http: z
      .object({
        /**
         * A connection that moves no bytes either way for this long is closed: an upload whose client
         * stalled (what arrived stays staged and resumable) or a download whose client stopped
         * reading. Requests themselves have no time limit (multi-GiB layers). 0 turns it off.
         */
        idleTimeoutSeconds: z.number().int().nonnegative().default(120),
        /** A request's headers must all arrive within this (else 408 and the connection is closed). 0 turns it off. */
        headersTimeoutSeconds: z.number().int().nonnegative().default(30),
        /**
         * Request bodies of the ECR API (POST /), read into memory. The headers are authenticated
         * first, so only a caller naming a valid access key gets its body read at all.
         */
        ecrBody: z
          .object({
            /**
             * A body must arrive at `minBytesPerSecond` once `graceSeconds` have passed (counted
             * from the start of the body); a slower one is cut with 408 RequestTimeoutException.
             */
            graceSeconds: z.number().nonnegative().default(10),
            minBytesPerSecond: z.number().int().nonnegative().default(64 * 1024),
            /**
             * Bytes held at once, across all requests, by bodies the signature still depends on
             * (the AWS CLI signs the body's hash without declaring it; the SDKs declare and sign
             * it, so theirs are verified before the body is read). A body the budget cannot take is
             * answered 503 ServiceUnavailableException before it is read.
             */
            maxUnverifiedBytes: byteSize.default(64 * 1024 * 1024),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    /** GET /metrics for Prometheus (see README "Metrics"). */
    metrics: z
      .object({
        enabled: z.boolean().default(true),
        /**
         * Serve /metrics on a listener of its own at HOST:PORT (a bare port listens on 127.0.0.1)
         * instead of the registry's listener, e.g. to keep it off the network clients reach.
         */
        listen: z.preprocess((v) => (typeof v === 'number' || (typeof v === 'string' && /^\d{1,5}$/.test(v)) ? `127.0.0.1:${v}` : v), hostPort).optional(),
        /** Scrapes must send `Authorization: Bearer <token>` (env BERTH_METRICS_TOKEN); default: none needed. */
        token: z.string().min(16, 'must be at least 16 characters').optional(),
        /** A file holding the token (its surrounding whitespace ignored), instead of `token`. */
        tokenFile: z.string().min(1).optional(),
        /**
         * Repositories itemised in the per-repository storage and image gauges: the largest by
         * bytes; the rest are summed under repository="__other__". Bounds the series a scrape holds.
         */
        topRepositories: z.number().int().nonnegative().max(10_000).default(50),
        /** How long the aggregates read from the metadata store (usage, job queue, uploads) are reused between scrapes. */
        storeCacheSeconds: z.number().nonnegative().default(15),
      })
      .strict()
      .refine((m) => m.token === undefined || m.tokenFile === undefined, { message: 'set token or tokenFile, not both', path: ['tokenFile'] })
      .default({}),
    shutdown: z
      .object({
        /** How long in-flight requests get to finish on SIGTERM before connections are closed. */
        graceSeconds: z.number().int().nonnegative().default(30),
      })
      .strict()
      .default({}),
  })
  .strict();

export type BerthConfig = z.infer<typeof configSchema>;
export type BerthConfigInput = z.input<typeof configSchema>;
