import type { FastifyInstance } from 'fastify';
import type { AnyOperationDefinition } from '../api/ecr/operation.js';
import type { BerthConfig } from '../config/schema.js';
import type { ServerSecret } from '../config/server-secret.js';
import type { EventSubscription } from '../events/subscription.js';
import type { AnyJobDefinition } from '../jobs/define.js';
import type { Schedule } from '../jobs/scheduler.js';
import type { BerthCore } from './core.js';

/**
 * One feature of Berth as the app composes it. A module's factory (src/app/modules/<name>.ts)
 * creates its service over the core and returns it with everything the module contributes; the
 * app registers the contributions of every module the same way (src/app/build.ts), so adding a
 * module is adding its factory to src/app/modules/index.ts.
 */
export interface BerthModule<S = unknown> {
  /** Identifies the module (registry, gc, lifecycle, …). */
  readonly name: string;
  /** What the module offers other modules, the adapters and tests (`app.lifecycle`, `app.scanning`, …). */
  readonly service: S;
  /** Durable job types it runs (registered with the job runner). */
  readonly jobs?: readonly AnyJobDefinition[];
  /** Outbox subscribers (registered with the event dispatcher; cursors of `startAt: 'end'` ones are created at build). */
  readonly subscriptions?: readonly EventSubscription[];
  /** Recurring jobs, declared when background work starts. */
  readonly schedules?: readonly Schedule[];
  /** ECR control-plane operations it serves. */
  readonly ecrOperations?: readonly AnyOperationDefinition[];
  /** Routes (or hooks) it mounts on the app's listener, before the /v2 and ECR adapters. */
  readonly routes?: readonly Route[];
  /** Listeners of its own besides the registry's (e.g. metrics.listen); `berth serve` listens on them, the app closes them. */
  readonly listeners?: readonly Listener[];
  /** When background work starts, after every schedule is declared (e.g. catch up on work missed while down). */
  start?(): Promise<void>;
  /** At shutdown, after requests and background work stopped and before the stores close. */
  close?(): Promise<void>;
}

export type Route = (server: FastifyInstance) => Promise<void> | void;

/** A listener a module serves on, and where. */
export interface Listener {
  readonly name: string;
  readonly server: FastifyInstance;
  readonly host: string;
  readonly port: number;
}

/** What most services are built from: the core's stores, registry, job queue and clock, and a logger for the component. */
export function serviceDeps(core: BerthCore, component: string) {
  return { store: core.store, registry: core.registry, jobs: core.jobs, now: core.clock, log: core.log.child({ component }) };
}

/** What a module factory builds on. */
export interface ModuleContext {
  core: BerthCore;
  config: Readonly<BerthConfig>;
  /** Keys for what the server signs and later checks itself (derive one per purpose). */
  secret: ServerSecret;
}
