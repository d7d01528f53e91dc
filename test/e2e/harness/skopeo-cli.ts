import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './run.js';

/** skopeo with a trust policy of its own (no reliance on /etc/containers/policy.json) and an empty auth file. */
export class SkopeoCli {
  private constructor(
    private readonly global: string[],
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(workDir: string): Promise<SkopeoCli> {
    const policy = join(workDir, 'policy.json');
    const auth = join(workDir, 'auth.json');
    await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    await writeFile(auth, '{}');
    return new SkopeoCli(
      ['--policy', policy, '--registries.d', workDir, '--command-timeout', '5m'],
      { ...process.env, REGISTRY_AUTH_FILE: auth },
    );
  }

  run(args: string[]): Promise<string> {
    return run('skopeo', [...this.global, ...args], { env: this.env });
  }
}
