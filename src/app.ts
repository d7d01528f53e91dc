import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type EcrAuthenticate, mountEcrApi } from './api/ecr/mount.js';
import { accessOperations, lifecycleOperations, scanSummaries, scanningOperations } from './api/ecr/operations/index.js';
import { ociPlugin } from './api/oci/plugin.js';
import { openAccess } from './api/oci/access.js';
import type { BerthConfig } from './config/schema.js';
import { registryHostTemplateFor } from './config/addressing.js';
import { loadServerSecret } from './config/server-secret.js';
import { readTlsFiles } from './config/tls-files.js';
import { type Iam, createIam } from './iam/index.js';
import { registryTokenEndpoint } from './api/token-endpoint.js';
import type { RequestFacts } from './iam/principal.js';
import type { OciAccess } from './iam/ports.js';
import type { MetadataStore } from './metadata/store.js';
import { SqliteMetadataStore } from './metadata/sqlite/store.js';
import { type Registry, createRegistry } from './registry/index.js';
import type { BlobStore } from './storage/blob-store.js';
import { EventDispatcher } from './events/dispatcher.js';
import { JobRunner } from './jobs/runner.js';
import { Scheduler } from './jobs/scheduler.js';
import { installUploadPurge } from './registry/upload-purge.js';
import { openBlobStore } from './storage/open-blob-store.js';
import { BlobGuard } from './gc/blob-guard.js';
import { GarbageCollector } from './gc/collector.js';
import { installGarbageCollection } from './gc/job.js';
import { AuditLog } from './audit/audit-log.js';
import { AccessLogController } from './api/access-log.js';
import { endIdleConnections } from './api/idle-connections.js';
import { auditEventSink } from './audit/event-sink.js';
import { installRequestAudit } from './api/audit-hook.js';
import { type Lifecycle, createLifecycle } from './lifecycle/index.js';
import { type Scanning, createScanning } from './scanning/service/index.js';

export interface BerthApp {
  server: FastifyInstance;
  config: Readonly<BerthConfig>;
  store: MetadataStore;
  blobs: BlobStore;
  registry: Registry;
  jobs: JobRunner;
  scheduler: Scheduler;
  events: EventDispatcher;
  /** Identity and access: accounts, users, keys, policies, the authorizer both APIs use. */
  iam: Iam;
  /** Online garbage collection (also run on a schedule as the `gc` job). */
  gc: GarbageCollector;
  /** Request-level audit records (event-level ones come through the outbox). */
  audit: AuditLog;
  /** Lifecycle policies, previews, scheduled runs and the archive storage class. */
  lifecycle: Lifecycle;
  /** Vulnerability scanning: scan jobs, continuous re-evaluation, the ECR scanning API's service. */
  scanning: Scanning;
  /** Starts background work: durable jobs, schedules and event delivery. */
  startBackground(): Promise<void>;
  /** Stops accepting requests, lets in-flight ones finish (up to the grace period), then closes stores. */
  close(): Promise<void>;
}

export interface BuildOptions {
  /** Where logs go (tests pass a sink); defaults to stdout. */
  logStream?: NodeJS.WritableStream;
  /** Overrides how /v2 authenticates and authorizes (default: IAM, or open access in auth.mode none). */
  access?: OciAccess;
  /** Overrides how the ECR API authenticates (default: SigV4 with IAM access keys). */
  ecrAuthenticate?: EcrAuthenticate;
  /** The clock services stamp records with (push and pull times, lifecycle evaluation); tests inject one. */
  clock?: () => Date;
}

/** Builds the whole application without listening, so tests can drive it in-process. */
export async function buildApp(config: Readonly<BerthConfig>, options: BuildOptions = {}): Promise<BerthApp> {
  const server = Fastify({
    logger: {
      level: config.log.level,
      ...(options.logStream && { stream: options.logStream }),
      redact: ['req.headers.authorization', 'req.headers["x-amz-security-token"]'],
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    ...(config.tls && { https: readTlsFiles(config.tls) }),
    // One access-log line per response instead of fastify's two.
    logController: new AccessLogController(),
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    keepAliveTimeout: 65_000,
    requestTimeout: 0,
    // The socket idle timeout (server.timeout), acted on by endIdleConnections.
    connectionTimeout: config.http.idleTimeoutSeconds * 1000,
  });
  endIdleConnections(server.server);

  const { store, blobs } = openStores(config);
  try {
    await blobs.driver.check?.();
  } catch (err) {
    await store.close();
    throw err;
  }
  const clock = options.clock ?? (() => new Date());
  const registry = createRegistry({
    store,
    blobs,
    options: config.registry,
    log: server.log,
    now: clock,
    guard: new BlobGuard(store.gc, { graceMs: config.gc.graceSeconds * 1000, log: server.log.child({ component: 'gc' }) }),
  });
  const gc = new GarbageCollector({
    store,
    blobs,
    log: server.log.child({ component: 'gc' }),
    purgeIdleUploads: (before) => registry.uploads.purgeIdle(before),
  });

  const jobs = new JobRunner(store.jobs, server.log.child({ component: 'jobs' }));
  const scheduler = new Scheduler(store.jobs, jobs, server.log.child({ component: 'scheduler' }));
  const events = new EventDispatcher(store.events, server.log.child({ component: 'events' }));
  const schedules: (() => Promise<void>)[] = [];
  const lifecycle = createLifecycle({
    store,
    registry,
    jobs,
    scheduler,
    now: clock,
    log: server.log.child({ component: 'lifecycle' }),
    options: config.lifecycle,
  });
  schedules.push(lifecycle.schedule);
  schedules.push(installUploadPurge({ registry, jobs, scheduler, staleAfterSeconds: config.uploads.staleAfterSeconds }));
  schedules.push(
    installGarbageCollection({
      collector: gc,
      jobs,
      scheduler,
      graceSeconds: config.gc.graceSeconds,
      intervalSeconds: config.gc.intervalSeconds,
      uploadIdleSeconds: config.uploads.staleAfterSeconds,
    }),
  );

  const scanning = createScanning({
    store,
    blobs,
    registry,
    jobs,
    scheduler,
    events,
    now: clock,
    log: server.log.child({ component: 'scanning' }),
    options: config.scanning,
  });
  await scanning.init();
  schedules.push(scanning.schedule);

  const audit = new AuditLog(store.audit, server.log.child({ component: 'audit' }));
  installRequestAudit(server, audit);
  events.subscribe('audit', auditEventSink(store.audit), { batchSize: 500, startAt: 'beginning' });

  // How clients reach the registry: publicUrl's scheme (a TLS-terminating proxy), else whether Berth serves TLS.
  // (Download links without publicUrl and GetAuthorizationToken's proxyEndpoint use it.)
  const scheme = (config.publicUrl ? new URL(config.publicUrl).protocol === 'https:' : config.tls !== undefined) ? 'https' : 'http';
  const facts = (request: FastifyRequest): RequestFacts => ({
    requestId: String(request.id),
    sourceIp: request.ip,
    secureTransport: config.tls !== undefined,
    userAgent: request.headers['user-agent'],
    now: new Date(),
  });

  server.get('/healthz', async (_request, reply) => {
    await store.registry.getRepository(config.accountId, '');
    reply.header('Cache-Control', 'no-store').send({ status: 'ok' });
  });
  const iam = await createIam({
    options: {
      auth: config.auth,
      accountId: config.accountId,
      region: config.region,
      dataDir: config.dataDir,
      createRepositoryOnPush: config.registry.createRepositoryOnPush,
    },
    store,
    log: server.log,
  });
  // auth.mode none is the explicit development switch: /v2 open to anyone, ECR calls as the default root.
  const access = options.access ?? (iam.mode === 'none' ? openAccess(config.accountId) : iam.oci);
  await server.register(ociPlugin, { registry, access, facts });
  // The bearer challenge's token endpoint (auth.challenge: bearer); harmless when unused.
  if (iam.mode === 'iam') await server.register(registryTokenEndpoint, { tokens: iam.tokens, facts });
  const secret = loadServerSecret(config);
  await mountEcrApi(server, {
    registry,
    region: config.region,
    registryHostTemplate: (bound) => registryHostTemplateFor(config, bound),
    publicUrl: config.publicUrl,
    scheme,
    deriveSecret: (purpose) => secret.derive(purpose),
    authenticate: options.ecrAuthenticate ?? iam.ecr.authenticate,
    authorize: iam.ecr.authorize,
    operations: accessOperations({
      tokens: iam.tokens,
      policies: iam.policies,
      settings: iam.settings,
      scheme,
    }).concat(lifecycleOperations(lifecycle), scanningOperations(scanning.service)),
    scanSummaries: scanSummaries(scanning.service),
  });

  let background = false;
  const startBackground = async () => {
    if (background) return;
    background = true;
    for (const declare of schedules) await declare();
    jobs.start();
    events.start();
  };

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const grace = setTimeout(() => server.server.closeAllConnections?.(), config.shutdown.graceSeconds * 1000);
      grace.unref();
      await server.close();
      clearTimeout(grace);
      await Promise.all([jobs.stop(config.shutdown.graceSeconds * 1000), events.stop()]);
      await registry.pulls.flush();
      await audit.flush();
      await store.close();
    })());

  return { server, config, store, blobs, registry, jobs, scheduler, events, iam, gc, audit, lifecycle, scanning, startBackground, close };
}

/** The configured metadata and blob stores (also opened by `berth gc` beside a running server). */
export function openStores(config: Readonly<BerthConfig>): { store: MetadataStore; blobs: BlobStore } {
  const store = SqliteMetadataStore.open(config.metadata.sqlite.file ?? join(config.dataDir, 'metadata.db'));
  return { store, blobs: openBlobStore(config.storage, config.dataDir) };
}
