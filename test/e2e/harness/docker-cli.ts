import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { inject } from 'vitest';
import { run, runCommand, type RunResult } from './run.js';

/** The docker CLI bound to the run's private dockerd, with its own client config directory. */
export class DockerCli {
  private constructor(private readonly env: NodeJS.ProcessEnv) {}

  static async create(workDir: string): Promise<DockerCli> {
    const config = join(workDir, 'docker-config');
    await mkdir(config, { recursive: true });
    return new DockerCli({
      ...process.env,
      DOCKER_HOST: dockerHost(),
      DOCKER_CONFIG: config,
      // dockerd 20.10's classic builder builds FROM scratch + COPY without running a container.
      DOCKER_BUILDKIT: '0',
    });
  }

  /** Runs docker; fails with its output when it exits non-zero. */
  run(args: string[], cwd?: string): Promise<string> {
    return run('docker', args, { env: this.env, cwd });
  }

  /** Runs docker and returns the outcome whatever it is (for commands expected to fail). */
  attempt(args: string[]): Promise<RunResult> {
    return runCommand('docker', args, { env: this.env });
  }

  /** The environment the CLI runs with (DOCKER_HOST, DOCKER_CONFIG), for shell pipelines such as `… | docker login`. */
  environment(): NodeJS.ProcessEnv {
    return { ...this.env };
  }

  async imageId(reference: string): Promise<string> {
    return (await this.run(['image', 'inspect', '--format', '{{.Id}}', reference])).trim();
  }

  async exists(reference: string): Promise<boolean> {
    return (await this.attempt(['image', 'inspect', reference])).code === 0;
  }
}

/** The dockerd socket global-setup started (or BERTH_E2E_DOCKER_HOST); empty when there is none. */
export function dockerHost(): string {
  return inject('dockerHost') || process.env.BERTH_E2E_DOCKER_HOST || '';
}

export function dockerUnavailable(): string {
  return inject('dockerUnavailable') || 'no dockerd available';
}

/** The manifest digest `docker push` reports ("<tag>: digest: sha256:… size: N"). */
export function pushedDigest(output: string): string {
  const match = /digest: (sha256:[0-9a-f]{64})/.exec(output);
  if (!match) throw new Error(`docker push printed no digest:\n${output}`);
  return match[1]!;
}
