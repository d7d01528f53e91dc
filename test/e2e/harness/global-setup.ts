import type { TestProject } from 'vitest/node';
import { ensureBuilt } from '../../support/build.js';
import { type Dockerd, startDockerd } from './dockerd.js';
import { findTool } from './tools.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DOCKER_HOST of the dockerd the docker tests use; empty when there is none. */
    dockerHost: string;
    /** Why there is no dockerd, when there is none. */
    dockerUnavailable: string;
  }
}

/**
 * Once per e2e run: make sure dist/ is built, and start one private dockerd for the docker tests
 * unless BERTH_E2E_DOCKER_HOST names one already. The socket is handed to the test workers both as
 * BERTH_E2E_DOCKER_HOST and through vitest's provide/inject.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await ensureBuilt();

  let dockerd: Dockerd | undefined;
  let dockerHost = process.env.BERTH_E2E_DOCKER_HOST ?? '';
  let unavailable = '';
  if (!dockerHost) {
    if (!findTool('dockerd')) unavailable = 'dockerd not found on PATH (Debian package docker.io)';
    else if (process.getuid?.() !== 0) unavailable = 'starting dockerd needs root (or set BERTH_E2E_DOCKER_HOST)';
    else {
      try {
        dockerd = await startDockerd();
        dockerHost = dockerd.host;
      } catch (err) {
        unavailable = `could not start dockerd: ${(err as Error).message}`;
      }
    }
  }
  process.env.BERTH_E2E_DOCKER_HOST = dockerHost;
  project.provide('dockerHost', dockerHost);
  project.provide('dockerUnavailable', unavailable);

  return async () => {
    await dockerd?.stop();
  };
}
