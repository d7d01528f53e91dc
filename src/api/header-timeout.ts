import type { ServerOptions } from 'node:http';

/**
 * Node's server options that bound how long a request's headers may take to arrive: a client that
 * trickles them (slow loris) is answered 408 and disconnected. Node looks for such connections
 * every `connectionsCheckingInterval` (30 s by default, so a 30 s limit would act after up to a
 * minute); checking at a quarter of the limit keeps it within 25% of what is configured.
 * Node disables this when requestTimeout is 0 and headersTimeout is left unset, which is why it is
 * set explicitly. `seconds` 0 turns it off.
 */
export function headerTimeoutOptions(seconds: number): Pick<ServerOptions, 'headersTimeout' | 'connectionsCheckingInterval'> {
  const ms = seconds * 1000;
  if (ms === 0) return { headersTimeout: 0 };
  return { headersTimeout: ms, connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.round(ms / 4))) };
}
