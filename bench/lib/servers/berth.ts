import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths.js';
import { freePort, startServer, type ServerProcess } from '../server-process.js';
import type { RegistryServer } from './types.js';

/**
 * Berth from the build in dist/, started the way a user starts it (`berth serve`, log level info).
 * `fsync` undefined leaves the configured default alone; true/false sets BERTH_STORAGE_FSYNC; `env`
 * sets further BERTH_* variables.
 * BENCH_BERTH_NODE_ARGS adds Node flags for profiling, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
 */
export function berthServer(options: { label?: string; fsync?: boolean; env?: NodeJS.ProcessEnv } = {}): RegistryServer {
  const launcher = join(REPO_ROOT, 'bin', 'berth.js');
  if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run bench` (which builds first) or `npm run build`');
  }
  return {
    label: options.label ?? 'Berth',
    async start(dataDir: string): Promise<ServerProcess> {
      const port = await freePort();
      return startServer({
        label: options.label ?? 'Berth',
        command: process.execPath,
        args: [...nodeArgs(), launcher, 'serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir, '--log-level', 'info'],
        env: {
          BERTH_CONFIG: '',
          // The benchmark measures the data path and pushes without credentials, as its baseline does.
          BERTH_AUTH_MODE: 'none',
          BERTH_STORAGE_FSYNC: options.fsync === undefined ? '' : String(options.fsync),
          ...options.env,
        },
        port,
        logFile: `${dataDir}.log`,
        cwd: REPO_ROOT,
      });
    },
  };
}

function nodeArgs(): string[] {
  return (process.env.BENCH_BERTH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}
