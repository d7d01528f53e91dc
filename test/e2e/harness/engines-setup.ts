import type { TestProject } from 'vitest/node';
import { acquireEngines } from '../../engines/global-setup.js';

/** Where e2e files that need the engines live (docker or skopeo against Berth on PostgreSQL and S3). */
export const E2E_ENGINE_FILES = /\/test\/e2e\/engines\//;

/**
 * The e2e project's access to the engines (Ceph RGW, PostgreSQL): a file under test/e2e/engines/
 * calls `withS3`/`withPostgres` (test/engines/engines.ts) as an engines-project file does. The
 * engines start only when this run includes such a file, and a run of both projects (`npm test`)
 * starts each engine once for both (acquireEngines).
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // The run's file filters (the CLI's arguments); vitest sets them before global setups, untyped.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const specifications = await project.vitest.getRelevantTestSpecifications(filters);
  const needed = specifications.some((s) => s.project.name === project.name && E2E_ENGINE_FILES.test(s.moduleId));
  if (!needed) {
    const problem = { kind: 'missing' as const, message: 'not started: only files under test/e2e/engines/ get the engines' };
    project.provide('engines', { s3Problem: problem, postgresProblem: problem });
    return undefined;
  }
  const { engines, release } = await acquireEngines();
  project.provide('engines', engines);
  return release;
}
