import type { BerthConfig } from './schema.js';

/**
 * The registry host template for repository URIs (see README "Accounts and addressing"): the
 * configured template, else the host:port of publicUrl, else of the address Berth listens on.
 *
 * `bound` is the address the server actually listens on (it differs from the configured one when
 * the port is 0, as in tests). A wildcard listen address is not something a client can dial, so it
 * becomes loopback; remote clients need publicUrl or a template.
 */
export function registryHostTemplateFor(
  config: Pick<BerthConfig, 'registryHostTemplate' | 'publicUrl' | 'listen'>,
  bound?: { address: string; port: number },
): string {
  if (config.registryHostTemplate) return config.registryHostTemplate;
  if (config.publicUrl) return new URL(config.publicUrl).host;
  const at = config.listen.lastIndexOf(':');
  const host = bound?.address ?? config.listen.slice(0, at).replace(/^\[|\]$/g, '');
  const port = bound?.port ?? Number(config.listen.slice(at + 1));
  return `${dialable(host)}:${port}`;
}

function dialable(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
