import type { TestProject } from 'vitest/node';
import { type CephRgw, cephRgwUnavailable, startCephRgw } from './ceph-rgw.js';
import type { EngineCoordinates, EngineProblem } from './engines.js';
import { type Postgres, postgresUnavailable, startPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The engines this run started (or why one is not there); test/engines/engines.ts reads it. */
    engines: EngineCoordinates;
  }
}

/**
 * Once per run of the `engines` project: starts a private Ceph RGW (S3) and PostgreSQL, in
 * parallel, and hands their coordinates to the test files (provide/inject). A missing engine is
 * recorded, not thrown: each test that needs it skips with the reason, or fails under CI=true
 * (engines.ts). Both are stopped at the end, whatever the tests did; if this process dies first,
 * each engine's watchdog stops it (daemons.ts).
 *
 * BERTH_TEST_S3_ENDPOINT (+ BERTH_TEST_S3_ACCESS_KEY_ID, BERTH_TEST_S3_SECRET_ACCESS_KEY,
 * BERTH_TEST_S3_REGION) runs the tests against that S3 server instead of starting RGW.
 * BERTH_TEST_ENGINES=postgres (or s3) starts only the engines named (a run of some files only).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { engines, release } = await acquireEngines();
  project.provide('engines', engines);
  return release;
}

interface Shared {
  started: Promise<{ engines: EngineCoordinates; stop: () => Promise<void> }>;
  users: number;
}

const SHARED = Symbol.for('berth.test.engines');

/**
 * The engines of this vitest run, started on first use and stopped when the last project that
 * uses them tears down. Global setups of all projects run in vitest's one main process, but each
 * project loads this module anew: the state lives on globalThis, so the `engines` project and
 * e2e files that need engines (test/e2e/harness/engines-setup.ts) share one RGW and one PostgreSQL.
 */
export async function acquireEngines(): Promise<{ engines: EngineCoordinates; release: () => Promise<void> }> {
  const holder = globalThis as { [SHARED]?: Shared };
  const shared = (holder[SHARED] ??= { started: startEngines(), users: 0 });
  shared.users++;
  const { engines, stop } = await shared.started;
  let released = false;
  return {
    engines,
    release: async () => {
      if (released) return;
      released = true;
      if (--shared.users > 0) return;
      delete holder[SHARED];
      await stop();
    },
  };
}

async function startEngines(): Promise<{ engines: EngineCoordinates; stop: () => Promise<void> }> {
  const engines: EngineCoordinates = {};
  let rgw: CephRgw | undefined;
  let postgres: Postgres | undefined;

  const s3 = async () => {
    const given = process.env.BERTH_TEST_S3_ENDPOINT;
    if (given) {
      engines.s3 = {
        endpoint: given,
        region: process.env.BERTH_TEST_S3_REGION ?? 'us-east-1',
        accessKeyId: process.env.BERTH_TEST_S3_ACCESS_KEY_ID ?? '',
        secretAccessKey: process.env.BERTH_TEST_S3_SECRET_ACCESS_KEY ?? '',
      };
      return;
    }
    const unavailable = cephRgwUnavailable();
    if (unavailable) {
      engines.s3Problem = missing(`Ceph RGW: ${unavailable}`);
      return;
    }
    try {
      rgw = await startCephRgw();
      engines.s3 = { endpoint: rgw.endpoint, region: rgw.region, accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey };
    } catch (err) {
      engines.s3Problem = { kind: 'failed', message: (err as Error).message };
    }
  };
  const pg = async () => {
    const unavailable = postgresUnavailable();
    if (unavailable) {
      engines.postgresProblem = missing(`PostgreSQL: ${unavailable}`);
      return;
    }
    try {
      postgres = await startPostgres();
      engines.postgres = { url: postgres.url };
    } catch (err) {
      engines.postgresProblem = { kind: 'failed', message: (err as Error).message };
    }
  };
  const only = process.env.BERTH_TEST_ENGINES?.split(',');
  const wanted = (engine: string) => !only || only.includes(engine);
  if (!wanted('s3')) engines.s3Problem = missing('not started (BERTH_TEST_ENGINES)');
  if (!wanted('postgres')) engines.postgresProblem = missing('not started (BERTH_TEST_ENGINES)');
  await Promise.all([wanted('s3') && s3(), wanted('postgres') && pg()]);
  return {
    engines,
    stop: async () => {
      await Promise.allSettled([rgw?.stop(), postgres?.stop()]);
    },
  };
}

function missing(message: string): EngineProblem {
  return { kind: 'missing', message };
}
