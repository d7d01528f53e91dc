import type { Command } from 'commander';
import { buildApp } from '../app.js';
import { rootCredentialsNotice } from '../iam/root-credentials.js';
import { addressesFromRequestHost } from '../config/addressing.js';
import { listenAddress } from '../config/load.js';
import type { BerthConfigInput } from '../config/schema.js';
import { type ConfigFlags, configFromFlags, withConfigOptions } from './options.js';

interface ServeFlags extends ConfigFlags {
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
}

export function registerServe(program: Command): void {
  withConfigOptions(program.command('serve').description('run the registry (OCI Distribution API and ECR API) on one listener'), {
    logLevel: 'env BERTH_LOG_LEVEL',
  })
    .option('-l, --listen <host:port>', 'address to listen on (env BERTH_LISTEN, default 127.0.0.1:5000)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (env BERTH_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert (env BERTH_TLS_KEY)')
    .action(async (flags: ServeFlags) => {
      await serve(flags);
    });
}

async function serve(flags: ServeFlags): Promise<void> {
  const overrides: BerthConfigInput = {};
  if (flags.listen) overrides.listen = flags.listen;
  if (flags.logLevel) overrides.log = { level: flags.logLevel as 'info' };
  if (flags.tlsCert || flags.tlsKey) {
    if (!flags.tlsCert || !flags.tlsKey) throw new Error('--tls-cert and --tls-key must be given together');
    overrides.tls = { cert: flags.tlsCert, key: flags.tlsKey };
  }
  const config = configFromFlags(flags, process.env, overrides);
  const app = await buildApp(config);
  // Shown once, when this start generated them; the file keeps them (mode 0600). Before listening,
  // so a start that fails on the port (in use) does not lose them: the next start finds them stored.
  const notice = rootCredentialsNotice(app.iam.root);
  if (notice) process.stderr.write(notice);
  const { host, port } = listenAddress(config);
  await app.server.listen({ host, port });
  for (const listener of app.listeners) {
    await listener.server.listen({ host: listener.host, port: listener.port });
    app.server.log.info({ listener: listener.name, address: `${listener.host}:${listener.port}` }, 'listening');
  }
  if (addressesFromRequestHost(config)) app.server.log.info('no publicUrl set: repository URIs use each request\'s Host header');
  await app.startBackground();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.server.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.server.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
