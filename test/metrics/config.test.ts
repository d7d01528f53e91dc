import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';

describe('metrics configuration', () => {
  it('is on, on the registry listener, unprotected, by default', () => {
    const { metrics } = loadConfig({ env: {} });
    expect(metrics).toEqual({ enabled: true, topRepositories: 50, storeCacheSeconds: 15 });
  });

  it('takes a bare port for its own listener as 127.0.0.1', () => {
    expect(loadConfig({ env: {}, overrides: { metrics: { listen: '9464' } } }).metrics.listen).toBe('127.0.0.1:9464');
    expect(loadConfig({ env: { BERTH_METRICS_LISTEN: '0.0.0.0:9464' } }).metrics.listen).toBe('0.0.0.0:9464');
    expect(() => loadConfig({ env: {}, overrides: { metrics: { listen: 'localhost' } } })).toThrow(/metrics\.listen: must be HOST:PORT/);
  });

  it('takes a token from the environment, refusing a short one or one given twice', () => {
    expect(loadConfig({ env: { BERTH_METRICS_TOKEN: 'x'.repeat(32) } }).metrics.token).toBe('x'.repeat(32));
    expect(() => loadConfig({ env: { BERTH_METRICS_TOKEN: 'short' } })).toThrow(/metrics\.token: must be at least 16 characters/);
    expect(() => loadConfig({ env: {}, overrides: { metrics: { token: 'x'.repeat(32), tokenFile: '/etc/berth/metrics-token' } } })).toThrow(
      /metrics\.tokenFile: set token or tokenFile, not both/,
    );
  });
});
