import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, runCommand, type RunResult } from './run.js';

/**
 * podman with private storage (vfs, under the test's temp dir), cgroupfs and file events (no
 * systemd needed), and a trust policy of its own passed to the commands that consult one.
 */
export class PodmanCli {
  private constructor(
    private readonly global: string[],
    readonly policy: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(workDir: string): Promise<PodmanCli> {
    const root = join(workDir, 'podman');
    await mkdir(join(root, 'tmp'), { recursive: true });
    const policy = join(workDir, 'policy.json');
    await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const auth = join(workDir, 'auth.json');
    await writeFile(auth, '{}');
    return new PodmanCli(
      [
        '--storage-driver', 'vfs',
        '--root', join(root, 'root'),
        '--runroot', join(root, 'run'),
        '--tmpdir', join(root, 'tmp'),
        '--cgroup-manager', 'cgroupfs',
        '--events-backend', 'file',
      ],
      policy,
      { ...process.env, REGISTRY_AUTH_FILE: auth, TMPDIR: join(root, 'tmp') },
    );
  }

  run(args: string[]): Promise<string> {
    return run('podman', [...this.global, ...args], { env: this.env });
  }

  attempt(args: string[]): Promise<RunResult> {
    return runCommand('podman', [...this.global, ...args], { env: this.env });
  }

  async inspect(reference: string): Promise<{ Id: string; Digest: string; RepoDigests: string[] }> {
    const [info] = JSON.parse(await this.run(['image', 'inspect', reference])) as { Id: string; Digest: string; RepoDigests: string[] }[];
    return info!;
  }
}
