/**
 * The scheme clients reach Berth with, for the URLs it hands out (GetAuthorizationToken's
 * proxyEndpoint, GetDownloadUrlForLayer's links): publicUrl's when one is configured (a proxy in
 * front may terminate TLS), else https exactly when Berth itself serves TLS.
 */
export function clientScheme(listener: { publicUrl?: string; tls?: object }): 'http' | 'https' {
  if (listener.publicUrl) return new URL(listener.publicUrl).protocol === 'https:' ? 'https' : 'http';
  return listener.tls !== undefined ? 'https' : 'http';
}
