import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { requireTool } from '../tools.js';
import { freePort, startServer, type ServerProcess } from '../server-process.js';
import type { RegistryServer } from './types.js';

/** `docker-registry --version` → "2.8.2", for the column label. */
function version(binary: string): string {
  const out = execFileSync(binary, ['--version'], { encoding: 'utf8' });
  return /\s(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? 'unknown';
}

/**
 * CNCF distribution as Debian packages it. The configuration is Debian's default
 * (/etc/docker/registry/config.yml: in-memory blob descriptor cache, delete enabled, storage health
 * check) with the data directory and listen address changed, log level info, and no auth.
 */
export function distributionServer(): RegistryServer {
  const binary = requireTool('docker-registry', '/usr/bin/docker-registry');
  const label = `distribution ${version(binary)}`;
  return {
    label,
    async start(dataDir: string): Promise<ServerProcess> {
      const port = await freePort();
      mkdirSync(dataDir, { recursive: true });
      const config = {
        version: 0.1,
        log: { level: 'info', fields: { service: 'registry' } },
        storage: {
          cache: { blobdescriptor: 'inmemory' },
          filesystem: { rootdirectory: dataDir },
          delete: { enabled: true },
        },
        http: { addr: `127.0.0.1:${port}`, headers: { 'X-Content-Type-Options': ['nosniff'] } },
        health: { storagedriver: { enabled: true, interval: '10s', threshold: 3 } },
      };
      const configFile = `${dataDir}.config.yml`;
      writeFileSync(configFile, stringify(config));
      return startServer({
        label,
        command: binary,
        args: ['serve', configFile],
        // The registry reads REGISTRY_* variables as config overrides; make sure none leak in.
        env: Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('REGISTRY_')).map((k) => [k, undefined])),
        port,
        logFile: `${dataDir}.log`,
      });
    },
  };
}
