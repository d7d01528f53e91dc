/**
 * How a test file of the `engines` project gets the engines the global setup started
 * (global-setup.ts): `withS3((s3) => { describe(…) })`. When the engine is missing, the file's one
 * test skips with the reason, or fails under CI=true (CI must run every engine, as with the e2e
 * clients); when the engine is installed but did not start, it fails everywhere, with its logs.
 */
import { inject, it } from 'vitest';
import { isCI } from '../e2e/harness/tools.js';

export interface S3Coordinates {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface PostgresCoordinates {
  /** postgres://postgres@127.0.0.1:<port>/postgres (a superuser, no password). */
  url: string;
}

export interface EngineProblem {
  /** missing: not installed here; failed: installed, but it did not start. */
  kind: 'missing' | 'failed';
  message: string;
}

export interface EngineCoordinates {
  s3?: S3Coordinates;
  s3Problem?: EngineProblem;
  postgres?: PostgresCoordinates;
  postgresProblem?: EngineProblem;
}

/** Defines the file's tests with the S3 server, or the one test that says why there is none. */
export function withS3(define: (s3: S3Coordinates) => void): void {
  const engines = inject('engines');
  if (engines.s3) define(engines.s3);
  else explainMissing('an S3 server (Ceph RGW)', engines.s3Problem);
}

/** Defines the file's tests with the PostgreSQL server, or the one test that says why there is none. */
export function withPostgres(define: (postgres: PostgresCoordinates) => void): void {
  const engines = inject('engines');
  if (engines.postgres) define(engines.postgres);
  else explainMissing('PostgreSQL', engines.postgresProblem);
}

function explainMissing(engine: string, problem: EngineProblem | undefined): void {
  const message = problem?.message ?? `${engine} was not started (run this file in the vitest project "engines")`;
  it(`needs ${engine}`, (ctx) => {
    if (problem?.kind === 'failed') throw new Error(message);
    if (isCI()) throw new Error(`CI=true and ${message}`);
    ctx.skip(message);
  });
}
