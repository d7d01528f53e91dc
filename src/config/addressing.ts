import type { BerthConfig } from './schema.js';

type AddressingConfig = Pick<BerthConfig, 'registryHostTemplate' | 'publicUrl' | 'listen'>;

/** host[:port]: DNS labels, an IPv4 address, or a bracketed IPv6 address; nothing else. */
const HOST_HEADER = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)(?::\d{1,5})?$/;

/**
 * True when neither publicUrl nor registryHostTemplate says where clients reach Berth: repository
 * URIs, proxyEndpoint and download URLs then name the host each request was sent to.
 */
export function addressesFromRequestHost(config: AddressingConfig): boolean {
  return !config.registryHostTemplate && !config.publicUrl;
}

/**
 * The registry host template for repository URIs (see README "Accounts and addressing"): the
 * configured template, else the host:port of publicUrl, else the Host header of the request being
 * answered (what that client dialled, so it reaches Berth from where it is), else the address
 * Berth listens on.
 *
 * A Host whose first label is 12 digits addressed one account (`<account>.<host>`); that label
 * becomes `{accountId}`, so each account's URIs name their own host. A Host that is not a plain
 * host[:port] is ignored.
 *
 * `bound` is the address the server actually listens on (it differs from the configured one when
 * the port is 0, as in tests). A wildcard listen address is not something a client can dial, so it
 * becomes loopback.
 */
export function registryHostTemplateFor(config: AddressingConfig, bound?: { address: string; port: number }, requestHost?: string): string {
  if (config.registryHostTemplate) return config.registryHostTemplate;
  if (config.publicUrl) return new URL(config.publicUrl).host;
  if (requestHost !== undefined && requestHost.length <= 261 && HOST_HEADER.test(requestHost)) {
    return requestHost.replace(/^\d{12}\./, '{accountId}.');
  }
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
