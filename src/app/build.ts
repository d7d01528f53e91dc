import type { FastifyInstance } from 'fastify';
import { mountEcrApi } from '../api/ecr/mount.js';
import { healthRoute } from '../api/healthz.js';
import { createHttpServer } from '../api/http-server.js';
import { ociPlugin } from '../api/oci/plugin.js';
import type { AuditLog } from '../audit/audit-log.js';
import { registryHostTemplateFor } from '../config/addressing.js';
import type { BerthConfig } from '../config/schema.js';
import { loadServerSecret } from '../config/server-secret.js';
import { readTlsFiles } from '../config/tls-files.js';
import type { GarbageCollector } from '../gc/collector.js';
import type { Iam } from '../iam/index.js';
import { loadKeyring } from '../iam/keyring-source.js';
import type { Lifecycle } from '../lifecycle/index.js';
import type { Scanning } from '../scanning/service/index.js';
import type { Clock } from '../util/clock.js';
import { type BerthCore, openCore } from './core.js';
import { checkDeployment } from './deployment-guard.js';
import type { BerthModule, Listener } from './module.js';
import type { Metrics } from '../metrics/index.js';
import type { AccessOverrides } from './modules/access.js';
import { createModules } from './modules/index.js';

/** The app: the core it opened (stores, registry, background machinery), its modules' services, and the listener. */
export interface BerthApp extends Pick<BerthCore, 'config' | 'store' | 'blobs' | 'registry' | 'jobs' | 'scheduler' | 'events'> {
  server: FastifyInstance;
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
  /** Listeners modules serve on besides `server` (metrics.listen); not listening yet, `berth serve` listens on them. */
  listeners: readonly Listener[];
  /** Prometheus metrics (undefined when metrics.enabled is false). */
  metrics: Metrics | undefined;
  /** Starts background work: durable jobs, schedules and event delivery. */
  startBackground(): Promise<void>;
  /** Stops accepting requests, lets in-flight ones finish (up to the grace period), then closes stores. */
  close(): Promise<void>;
}

export interface BuildOptions extends AccessOverrides {
  /** Where logs go (tests pass a sink); defaults to stdout. */
  logStream?: NodeJS.WritableStream;
  /** "Now" for services, job leases, schedules and event cursors; tests inject one. */
  clock?: Clock;
}

/**
 * Builds the whole application without listening, so tests can drive it in-process: opens the
 * core, creates the modules, registers what each contributes, and mounts the HTTP adapters.
 */
export async function buildApp(config: Readonly<BerthConfig>, options: BuildOptions = {}): Promise<BerthApp> {
  const server = createHttpServer({
    logLevel: config.log.level,
    logStream: options.logStream,
    idleTimeoutSeconds: config.http.idleTimeoutSeconds,
    headersTimeoutSeconds: config.http.headersTimeoutSeconds,
    ...(config.tls && { https: readTlsFiles(config.tls) }),
  });
  const core = await openCore(config, { log: server.log, clock: options.clock });
  const secret = loadServerSecret(config);
  try {
    // The blob storage is usable (S3: the bucket exists and the credentials may use it).
    await core.blobs.driver.check?.();
    // Shares the keyring, server secret and storage with the deployment's other nodes.
    // Loading creates the keyring file on a first start, before IAM reads it: say so here.
    const { keyring, createdFile } = loadKeyring(config);
    if (createdFile) server.log.info({ file: createdFile }, 'key-encryption keyring created');
    await checkDeployment(core.store, { keyring, secret, storage: config.storage }, core.clock);
  } catch (err) {
    await core.close();
    throw err;
  }
  const modules = await createModules({ core, config, secret }, options).catch(async (err: unknown) => {
    await core.close();
    throw err;
  });
  const all: BerthModule[] = Object.values(modules);

  for (const module of all) {
    for (const job of module.jobs ?? []) core.jobs.register(job);
    for (const subscription of module.subscriptions ?? []) core.events.subscribe(subscription);
  }
  await core.events.anchor();
  for (const module of all) for (const route of module.routes ?? []) await route(server);

  const access = modules.access.service;
  healthRoute(server, core.probe);
  await server.register(ociPlugin, { registry: core.registry, access: access.oci });
  await mountEcrApi(server, {
    region: config.region,
    registryHostTemplate: (bound, requestHost) => registryHostTemplateFor(config, bound, requestHost),
    deriveSecret: (purpose) => secret.derive(purpose),
    bodies: config.http.ecrBody,
    ...access.ecr,
    operations: all.flatMap((module) => module.ecrOperations ?? []),
  });

  const listeners = all.flatMap((module) => module.listeners ?? []);

  let background = false;
  const startBackground = async () => {
    if (background) return;
    background = true;
    for (const module of all) for (const schedule of module.schedules ?? []) await core.scheduler.every(schedule);
    for (const module of all) await module.start?.();
    core.jobs.start();
    core.events.start();
  };

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const grace = setTimeout(() => server.server.closeAllConnections?.(), config.shutdown.graceSeconds * 1000);
      grace.unref();
      await Promise.all([server.close(), ...listeners.map((l) => l.server.close())]);
      clearTimeout(grace);
      await Promise.all([core.jobs.stop(config.shutdown.graceSeconds * 1000), core.events.stop()]);
      for (const module of all) await module.close?.();
      await core.close();
    })());

  const { store, blobs, registry, jobs, scheduler, events } = core;
  return {
    server,
    config,
    store,
    blobs,
    registry,
    jobs,
    scheduler,
    events,
    listeners,
    metrics: modules.metrics.service,
    iam: access.iam,
    gc: modules.gc.service,
    audit: modules.audit.service,
    lifecycle: modules.lifecycle.service,
    scanning: modules.scanning.service,
    startBackground,
    close,
  };
}
